#include "profiles/cuda/cupti/driver_context.hpp"

#include <cuda_runtime_api.h>

#include <fmt/format.h>

#include "core/error.hpp"
#include "profiles/cuda/cuda_api.hpp"
#include "profiles/cuda/cuda_errors.hpp"

namespace ktune::profiles::cuda::cupti {
namespace {

// The driver function `symbol` (ABI of CUDA 12.0, unchanged in 13), or an Error.
template <class Function>
Function driver_function(const char* symbol) {
  void* address = nullptr;
  cudaDriverEntryPointQueryResult found{};
  const cudaError_t status =
      api().cudaGetDriverEntryPointByVersion(symbol, &address, 12000, cudaEnableDefault, &found);
  if (status != cudaSuccess)
    throw CudaCallError(status, fmt::format("looking up the driver's {}", symbol));
  if (found != cudaDriverEntryPointSuccess || !address)
    throw Error(fmt::format("CUDA: the driver has no {}", symbol));
  return reinterpret_cast<Function>(address);
}

}  // namespace

CurrentContext current_context() {
  // Asked each time (once per counter collection): the answer belongs to the function table.
  const auto get_current = driver_function<decltype(&cuCtxGetCurrent)>("cuCtxGetCurrent");
  const auto get_device = driver_function<decltype(&cuCtxGetDevice)>("cuCtxGetDevice");
  CurrentContext current;
  if (get_current(&current.context) != CUDA_SUCCESS || !current.context)
    throw Error("CUDA: no context is current on this thread to profile in");
  if (get_device(&current.device) != CUDA_SUCCESS)
    throw Error("CUDA: cannot tell the device of the current context");
  return current;
}

}  // namespace ktune::profiles::cuda::cupti
