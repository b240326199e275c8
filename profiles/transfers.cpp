#include "profiles/transfers.hpp"

#include <chrono>
#include <cstring>
#include <memory>
#include <numeric>

#include "core/error.hpp"

namespace ktune::profiles {
namespace {

TransferTiming time_direction(Device& device, CopyDirection direction, HostMemory memory,
                              const std::vector<std::uint64_t>& sizes,
                              const TransferOptions& options) {
  TransferTiming t;
  t.direction = direction;
  t.memory = memory;
  t.bytes = std::accumulate(sizes.begin(), sizes.end(), std::uint64_t{0});
  std::vector<std::unique_ptr<Buffer>> buffers;
  std::vector<std::unique_ptr<HostBuffer>> hosts;
  for (auto bytes : sizes) {
    buffers.push_back(device.allocate(bytes));
    hosts.push_back(device.allocate_host(bytes, memory));
    std::memset(hosts.back()->bytes().data(), 0x3f, bytes);  // touched: no first-use page faults
  }
  auto once = [&] {
    double ms = 0;
    for (std::size_t i = 0; i < buffers.size(); ++i)
      ms += device.timed_copy(*buffers[i], hosts[i]->bytes(), direction);
    return ms;
  };
  for (int i = 0; i < options.warmup_runs; ++i)
    once();
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  while (static_cast<int>(t.samples_ms.size()) < options.max_runs) {
    t.samples_ms.push_back(once());
    if (static_cast<int>(t.samples_ms.size()) < options.min_runs) continue;
    if (summarize(t.samples_ms).relative_ci_width() <= options.target_relative_ci) break;
    if (std::chrono::duration<double>(Clock::now() - start).count() > options.max_seconds) break;
  }
  t.time = summarize(t.samples_ms);
  return t;
}

}  // namespace

TransferSizes transfer_sizes(const kernels::Family& family, const Problem& problem) {
  TransferSizes sizes;
  const auto elements = family.buffer_elements(problem);
  const auto workload = family.workload(problem, 1);
  for (std::size_t i = 0; i < elements.size(); ++i) {
    const std::uint64_t bytes = elements[i] * sizeof(float);
    if (i == workload.output) {
      sizes.output = bytes;
      if (!workload.output_is_read) continue;
    }
    sizes.inputs.push_back(bytes);
  }
  return sizes;
}

std::vector<TransferTiming> measure_transfers(Device& device, const TransferSizes& sizes,
                                              const TransferOptions& options) {
  std::vector<HostMemory> memories{HostMemory::pageable};
  if (device.has_pinned_memory()) memories.push_back(HostMemory::pinned);
  std::vector<TransferTiming> timings;
  for (auto memory : memories) {
    timings.push_back(
        time_direction(device, CopyDirection::host_to_device, memory, sizes.inputs, options));
    timings.push_back(
        time_direction(device, CopyDirection::device_to_host, memory, {sizes.output}, options));
  }
  return timings;
}

}  // namespace ktune::profiles
