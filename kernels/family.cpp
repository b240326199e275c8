#include "kernels/family.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "core/error.hpp"

namespace ktune::kernels {

Bindings block_limits(const DeviceInfo& device) {
  const std::int64_t device_threads = device.max_threads_per_block > 0
                                          ? device.max_threads_per_block
                                          : std::numeric_limits<std::int32_t>::max();
  return {{"max_threads", std::min<std::int64_t>(512, device_threads)},
          {"min_threads", std::min<std::int64_t>(64, device_threads)},
          {"max_shared", device.shared_memory_per_block > 0
                             ? static_cast<std::int64_t>(device.shared_memory_per_block)
                             : std::numeric_limits<std::int32_t>::max()}};
}

Problem Family::problem_of_size(std::int64_t /*n*/) const {
  throw UsageError(fmt::format("kernel '{}' has no series of sizes", name()));
}

std::vector<BaselineResult> Family::cpu_baseline(const Problem& /*problem*/,
                                                 const BaselineOptions& /*options*/) const {
  throw UsageError(fmt::format("kernel '{}' has no CPU baseline", name()));
}

}  // namespace ktune::kernels
