#include "profiles/cuda/cuda_backend.hpp"

#include <cuda_runtime_api.h>

#include <fmt/format.h>

#include "core/error.hpp"
#include "profiles/cuda/cuda_api.hpp"
#include "profiles/cuda/cuda_device.hpp"

namespace ktune::profiles::cuda {
namespace {

std::string runtime_error_text(cudaError_t status) {
  return fmt::format("{} ({})", cudaGetErrorName(status), static_cast<int>(status));
}

class CudaBackend final : public Backend {
 public:
  std::string name() const override { return "cuda"; }

  Discovery discover() override {
    Discovery result;
    int count = 0;
    const cudaError_t status = api().cudaGetDeviceCount(&count);
    if (status != cudaSuccess) api().cudaGetLastError();
    if (status == cudaErrorInsufficientDriver || status == cudaErrorNoDevice ||
        status == cudaErrorStubLibrary) {
      result.problem =
          status == cudaErrorNoDevice
              ? fmt::format("CUDA: no CUDA device ({})", runtime_error_text(status))
              : fmt::format("CUDA: no NVIDIA driver found ({})", runtime_error_text(status));
      return result;
    }
    if (status != cudaSuccess) {
      result.problem =
          fmt::format("CUDA: cudaGetDeviceCount failed: {}", runtime_error_text(status));
      return result;
    }
    for (int i = 0; i < count; ++i)
      result.devices.push_back(describe_device(i));
    if (count == 0) result.problem = "CUDA: the driver reports no devices";
    return result;
  }

  std::unique_ptr<Device> open(int index) override {
    const Discovery found = discover();
    if (found.devices.empty()) throw Error(found.problem);
    if (index < 0 || static_cast<std::size_t>(index) >= found.devices.size())
      throw UsageError(fmt::format("--device {}: cuda has {} device(s); accepted: 0..{}", index,
                                   found.devices.size(), found.devices.size() - 1));
    return open_device(index);
  }
};

}  // namespace

std::unique_ptr<Backend> make_backend() {
  return std::make_unique<CudaBackend>();
}

}  // namespace ktune::profiles::cuda
