#pragma once
// Per-architecture limits of NVIDIA GPUs, as data, so occupancy and resource checks work offline
// for any target (planning for an H100 from a laptop). Sources are in docs/CUDA.md; on a real
// device, its properties override the table (see from_device_properties in cuda_device.cpp).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ktune::profiles::cuda {

struct Architecture {
  std::string name;  // "sm_90"
  int major = 0;     // compute capability
  int minor = 0;
  std::string examples;  // "H100, H200, GH200"

  int warp_size = 32;
  int max_threads_per_block = 1024;
  int max_threads_per_sm = 0;
  int max_blocks_per_sm = 0;
  int registers_per_sm = 65536;
  int registers_per_block = 65536;
  int max_registers_per_thread = 255;
  int register_allocation_unit = 256;  // registers, allocated per warp
  int sub_partitions = 4;              // a block's warps are spread over them (register check)

  std::uint32_t shared_per_sm = 0;         // the largest carveout (sharedMemPerMultiprocessor)
  std::uint32_t shared_per_block = 49152;  // without opt-in
  std::uint32_t shared_per_block_optin = 0;
  std::uint32_t reserved_shared_per_block = 0;  // taken by the system from every block
  std::uint32_t shared_allocation_unit = 128;
  std::vector<std::uint32_t> shared_carveouts_kib;  // shared-memory configurations of an SM

  // Block barriers an SM has per resident-block slot; 0 where barriers never limit occupancy
  // (before compute capability 9.0 the calculator does not count them).
  int barriers_per_block_slot = 0;
  int fp32_lanes_per_sm = 0;  // FP32 FMA results per SM per clock

  int max_warps_per_sm() const { return max_threads_per_sm / warp_size; }
};

// sm_70, sm_75, sm_80, sm_86, sm_87, sm_89, sm_90, sm_100, sm_120.
const std::vector<Architecture>& known_architectures();

// "sm_90", "90" or "9.0". Throws UsageError naming the accepted architectures.
const Architecture& find_architecture(std::string_view name);

// The table's entry for a compute capability, or the closest older one of the same major (then
// of any older major) for parts the table does not list; its name is the device's own, and its
// resident-block and barrier limits are the toolkit's for it (sm_110 is not sm_100).
Architecture architecture_for(int major, int minor);

std::string known_architecture_names();  // "sm_70, sm_75, ..."

}  // namespace ktune::profiles::cuda
