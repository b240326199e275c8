#include "profiles/cuda/cuda_backend.hpp"

#include <cuda_runtime_api.h>

#include <fmt/format.h>

#include "core/error.hpp"

namespace ktune::profiles::cuda {
namespace {

// FP32 lanes per SM by compute capability major.minor (CUDA C Programming Guide, "Arithmetic
// Instructions" throughput table): 64 for 7.x and 8.0, 128 from 8.6 on.
int fp32_lanes_per_sm(int major, int minor) {
  if (major < 8 || (major == 8 && minor == 0)) return 64;
  return 128;
}

std::string runtime_error_text(cudaError_t status) {
  return fmt::format("{} ({})", cudaGetErrorName(status), static_cast<int>(status));
}

DeviceInfo describe_device(int index) {
  cudaDeviceProp prop{};
  if (auto status = cudaGetDeviceProperties(&prop, index); status != cudaSuccess)
    throw Error(fmt::format("CUDA: cannot read the properties of device {}: {}", index,
                            runtime_error_text(status)));
  auto attribute = [index](cudaDeviceAttr attr) {
    int value = 0;
    cudaDeviceGetAttribute(&value, attr, index);
    return value;
  };
  DeviceInfo info;
  info.backend = "cuda";
  info.index = index;
  info.name = prop.name;
  info.vendor = "NVIDIA";
  info.architecture = fmt::format("sm_{}{}", prop.major, prop.minor);
  int driver = 0, runtime = 0;
  cudaDriverGetVersion(&driver);
  cudaRuntimeGetVersion(&runtime);
  info.driver_version = fmt::format("{}.{}", driver / 1000, (driver % 1000) / 10);
  info.runtime_version = fmt::format("{}.{}", runtime / 1000, (runtime % 1000) / 10);
  info.compute_units = prop.multiProcessorCount;
  info.global_memory_bytes = prop.totalGlobalMem;
  info.max_allocation_bytes = prop.totalGlobalMem;
  info.shared_memory_per_block = prop.sharedMemPerBlock;
  info.shared_memory_per_block_optin = prop.sharedMemPerBlockOptin;
  info.l2_bytes = static_cast<std::uint64_t>(prop.l2CacheSize);
  info.max_threads_per_block = prop.maxThreadsPerBlock;
  for (int d = 0; d < 3; ++d)
    info.max_block_dim[d] = prop.maxThreadsDim[d];
  info.warp_size = prop.warpSize;
  // CUDA 13 removed cudaDeviceProp::clockRate/memoryClockRate: read the attributes (kHz).
  const int clock_khz = attribute(cudaDevAttrClockRate);
  const int memory_khz = attribute(cudaDevAttrMemoryClockRate);
  const int bus_bits = attribute(cudaDevAttrGlobalMemoryBusWidth);
  info.clock_mhz = clock_khz / 1000.0;
  // Double data rate: two transfers per memory clock over the bus (as nvbench computes it).
  info.peak_bandwidth_gbs = 2.0 * memory_khz * 1e3 * (bus_bits / 8.0) / 1e9;
  // An FMA is two FLOPs per lane per cycle at the peak (boost) clock.
  info.peak_gflops_fp32 =
      2.0 * fp32_lanes_per_sm(prop.major, prop.minor) * prop.multiProcessorCount * clock_khz / 1e6;
  return info;
}

class CudaBackend final : public Backend {
 public:
  std::string name() const override { return "cuda"; }

  Discovery discover() override {
    Discovery result;
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
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
    throw Error(
        fmt::format("CUDA: running kernels on device {} is not implemented yet "
                    "(use --backend opencl)",
                    index));
  }
};

}  // namespace

std::unique_ptr<Backend> make_backend() {
  return std::make_unique<CudaBackend>();
}

}  // namespace ktune::profiles::cuda
