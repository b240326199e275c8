#pragma once
// The device against the CPU over a range of sizes: per size, the kernel alone and end to end
// (with the copies in and out) against the CPU baseline, and the sizes from which the device
// wins.
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/problem.hpp"

namespace ktune {

struct CrossoverPoint {
  std::int64_t size = 0;
  Problem problem;
  std::string config;         // canonical text of the configuration run
  std::string config_source;  // "stored" (the lookup found a tuned one) or "default"
  std::string tuned_for;      // the stored problem it was tuned for ("" for the default)
  std::string note;           // why a time is missing (the variant failed, no baseline)
  std::optional<double> kernel_ms;
  std::optional<double> transfer_ms;  // copies in and out, pageable host memory
  std::optional<double> cpu_ms;
  std::optional<std::int64_t> cpu_baseline_id;

  std::optional<double> end_to_end_ms() const;
  std::optional<double> speedup_kernel() const;      // cpu_ms / kernel_ms
  std::optional<double> speedup_end_to_end() const;  // cpu_ms / end_to_end_ms
};

// The smallest size from which the device is faster (speed-up > 1) at that size and every larger
// one of `points` (sorted by size); nullopt when it never is, or a size in between is unknown.
std::optional<std::int64_t> crossover_size(std::span<const CrossoverPoint> points, bool end_to_end);

}  // namespace ktune
