#pragma once
// Bookkeeping for the activity timer: which kernels ran under which external correlation id, and
// for how long. CUPTI delivers two kinds of records, in any order: external-correlation records
// (external id <-> CUPTI correlation id of the launching API call) and kernel records
// (correlation id, start, end). Pure data, so the matching is tested without a GPU.
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace ktune::profiles::cuda::cupti {

class KernelRecords {
 public:
  void add_correlation(std::uint64_t external_id, std::uint32_t correlation_id);
  // A kernel with start == end == 0 had no timestamps (CUPTI ran out of device memory).
  void add_kernel(std::uint32_t correlation_id, std::uint64_t start_ns, std::uint64_t end_ns);

  // GPU time of the kernels launched under `external_id`: from the first start to the last end
  // (one kernel: its duration). Nullopt when none was recorded. Forgets everything recorded so
  // far, matched or not: records of earlier runs never leak into the next one.
  std::optional<std::uint64_t> take_ns(std::uint64_t external_id);

 private:
  struct Kernel {
    std::uint32_t correlation_id;
    std::uint64_t start_ns;
    std::uint64_t end_ns;
  };
  std::multimap<std::uint64_t, std::uint32_t> correlations_;  // external id -> correlation ids
  std::vector<Kernel> kernels_;
};

}  // namespace ktune::profiles::cuda::cupti
