#include "profiles/cuda/cupti/kernel_records.hpp"

#include <algorithm>
#include <limits>
#include <set>

namespace ktune::profiles::cuda::cupti {

void KernelRecords::add_correlation(std::uint64_t external_id, std::uint32_t correlation_id) {
  correlations_.emplace(external_id, correlation_id);
}

void KernelRecords::add_kernel(std::uint32_t correlation_id, std::uint64_t start_ns,
                               std::uint64_t end_ns) {
  kernels_.push_back({correlation_id, start_ns, end_ns});
}

std::optional<std::uint64_t> KernelRecords::take_ns(std::uint64_t external_id) {
  std::set<std::uint32_t> ids;
  auto [first, last] = correlations_.equal_range(external_id);
  for (auto it = first; it != last; ++it)
    ids.insert(it->second);
  std::uint64_t begin = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t end = 0;
  bool found = false;
  for (const auto& k : kernels_) {
    if (!ids.contains(k.correlation_id) || k.end_ns <= k.start_ns) continue;
    begin = std::min(begin, k.start_ns);
    end = std::max(end, k.end_ns);
    found = true;
  }
  correlations_.clear();
  kernels_.clear();
  if (!found) return std::nullopt;
  return end - begin;
}

}  // namespace ktune::profiles::cuda::cupti
