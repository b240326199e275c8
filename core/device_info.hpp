#pragma once
// A device's identity and limits as plain data. Backends fill it in; everything else (device
// selection, constraints, occupancy, lookup of tuned results) takes it as an argument, so that
// logic is testable without the hardware.
#include <cstdint>
#include <string>

namespace ktune {

struct DeviceInfo {
  std::string backend;       // "opencl", "cuda" or "replay"
  int index = 0;             // position in the backend's device list
  std::string name;          // "NVIDIA H100 80GB HBM3", "pthread-skylake-avx512-..."
  std::string vendor;        // "NVIDIA", "AuthenticAMD"
  std::string architecture;  // "sm_90" for CUDA; the OpenCL device type and version otherwise
  std::string driver_version;
  std::string runtime_version;  // CUDA runtime or OpenCL platform version

  int compute_units = 0;  // SMs, or OpenCL compute units
  std::uint64_t global_memory_bytes = 0;
  std::uint64_t max_allocation_bytes = 0;
  std::uint64_t shared_memory_per_block = 0;  // default limit (CUDA: 48 KiB; OpenCL: local memory)
  std::uint64_t shared_memory_per_block_optin =
      0;  // CUDA opt-in limit; equals the default elsewhere
  std::uint64_t l2_bytes = 0;
  int max_threads_per_block = 0;
  int max_block_dim[3] = {0, 0, 0};
  int warp_size = 1;  // 32 on NVIDIA; 1 where the notion does not apply

  double clock_mhz = 0;
  double peak_bandwidth_gbs = 0;  // 0 = unknown
  double peak_gflops_fp32 = 0;    // 0 = unknown

  // Stable identity for storage and lookup: backend, name, architecture, memory, driver and
  // runtime versions. Two runs on the same machine and software give the same fingerprint.
  std::string fingerprint() const;
};

}  // namespace ktune
