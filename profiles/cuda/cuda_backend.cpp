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

std::string cuda_version_text(int version) {
  return fmt::format("{}.{}", version / 1000, version % 1000 / 10);
}

// The oldest driver branch that runs a runtime of this major version (CUDA release notes: 13.x
// needs R580, 12.x R525), or empty for one this build does not know.
std::string minimum_driver(int runtime_version) {
  switch (runtime_version / 1000) {
    case 13:
      return "R580";
    case 12:
      return "R525";
    default:
      return {};
  }
}

// cudaErrorInsufficientDriver means no driver at all (it then reports CUDA 0.0) or one older
// than the runtime this build links statically: say which, and what is needed.
std::string driver_problem(cudaError_t status) {
  int driver = 0;
  int runtime = 0;
  api().cudaDriverGetVersion(&driver);
  api().cudaRuntimeGetVersion(&runtime);
  if (status != cudaErrorInsufficientDriver || driver <= 0)
    return fmt::format("CUDA: no NVIDIA driver found ({})", runtime_error_text(status));
  const std::string needed = minimum_driver(runtime);
  return fmt::format(
      "CUDA: the NVIDIA driver supports CUDA {}, older than the CUDA {} runtime ktune was built "
      "with: install {} or newer ({})",
      cuda_version_text(driver), cuda_version_text(runtime),
      needed.empty() ? "a driver for CUDA " + cuda_version_text(runtime) : "driver " + needed,
      runtime_error_text(status));
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
      result.problem = status == cudaErrorNoDevice
                           ? fmt::format("CUDA: no CUDA device ({})", runtime_error_text(status))
                           : driver_problem(status);
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
      throw UsageError(fmt::format("device {}: cuda has {} device(s); accepted: 0..{}", index,
                                   found.devices.size(), found.devices.size() - 1));
    return open_device(index);
  }
};

}  // namespace

std::unique_ptr<Backend> make_backend() {
  return std::make_unique<CudaBackend>();
}

}  // namespace ktune::profiles::cuda
