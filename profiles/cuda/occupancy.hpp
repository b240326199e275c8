#pragma once
// Theoretical occupancy of a kernel launch on an architecture: how many blocks of it an SM can
// hold at once, which resource limits that, and the fraction of the SM's warp slots they fill.
// Pure arithmetic on the Architecture table (no GPU); it follows the model of the toolkit's
// cuda_occupancy.h, which a test compares it with on a randomized grid for every architecture.
#include <cstdint>
#include <string>
#include <string_view>

#include "profiles/cuda/architecture.hpp"

namespace ktune::profiles::cuda {

struct LaunchUsage {
  int threads_per_block = 0;
  int registers_per_thread = 0;
  std::uint32_t static_shared_bytes = 0;
  std::uint32_t dynamic_shared_bytes = 0;
  int barriers = 1;  // block barriers the kernel uses (ptxas: "used N barriers")
};

enum class Limiter : unsigned {
  none = 0,
  threads = 1,  // warp slots of the SM
  registers = 2,
  shared_memory = 4,
  blocks = 8,  // resident blocks per SM
  barriers = 16,
};
std::string_view to_string(Limiter limiter);

struct Occupancy {
  int active_blocks = 0;  // per SM; 0 when the block cannot launch at all
  int active_warps = 0;
  double fraction = 0;              // active warps / the SM's warp slots
  Limiter limiter = Limiter::none;  // the binding limit (the first of ties, in enum order)
  unsigned limiters = 0;            // every limit that binds (bitmask of Limiter)

  int blocks_by_threads = 0;  // what each limit alone would allow
  int blocks_by_registers = 0;
  int blocks_by_shared = 0;
  int blocks_by_blocks = 0;
  int blocks_by_barriers = 0;

  int allocated_registers_per_block = 0;
  std::uint32_t allocated_shared_per_block = 0;  // incl. the reserved part, rounded up
  std::uint32_t shared_per_sm = 0;               // the SM configuration (carveout) assumed

  std::string why_not;  // when active_blocks == 0: which limit a single block exceeds
};

// `carveout_percent`: the kernel's preferred shared-memory carveout (0..100), or -1 for the
// default (the driver picks the largest configuration).
Occupancy theoretical_occupancy(const Architecture& arch, const LaunchUsage& usage,
                                int carveout_percent = -1);

}  // namespace ktune::profiles::cuda
