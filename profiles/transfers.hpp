#pragma once
// How long moving a kernel's data costs: its inputs copied to the device and its output copied
// back, from ordinary (pageable) host memory and, where the backend has it, pinned memory,
// timed like the kernels (warm-up, then repeats until the median's 95% CI is narrow).
#include <cstdint>
#include <vector>

#include "core/problem.hpp"
#include "core/transfer.hpp"
#include "kernels/family.hpp"
#include "profiles/device.hpp"

namespace ktune::profiles {

struct TransferOptions {
  int warmup_runs = 1;
  int min_runs = 5;
  int max_runs = 30;
  double target_relative_ci = 0.05;
  double max_seconds = 2.0;  // cap on the timed runs of one direction and memory
};

// Bytes of the kernel's inputs (every buffer but a write-only output) and of its output.
struct TransferSizes {
  std::vector<std::uint64_t> inputs;
  std::uint64_t output = 0;
};
TransferSizes transfer_sizes(const kernels::Family& family, const Problem& problem);

// Host-to-device and device-to-host timings for each host memory the device has: pageable
// first, then pinned.
std::vector<TransferTiming> measure_transfers(Device& device, const TransferSizes& sizes,
                                              const TransferOptions& options = {});

}  // namespace ktune::profiles
