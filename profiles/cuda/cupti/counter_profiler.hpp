#pragma once
// Hardware counters for the CUDA device, behind a CUPTI-free header: what the CUDA backend calls
// for Device::profile(). Set up lazily on the first collection (device support, chip name,
// counter availability, metric config), then one range-profiler measurement per call.
//
// Graceful degradation: when the machine does not allow counters (no permission, counters busy,
// MIG, vGPU, WSL, a chip newer than this CUPTI, ...), collect() returns nothing and problem()
// holds one line saying why and how to fix it; profiling then stays off for this device, so the
// warning is given once and tuning goes on with event timing and analytic bytes/FLOPs. Any other
// failure (a CUPTI error that is not the environment's, a missing context) is thrown: it is a
// defect, not a reason to go without counters.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/evaluation.hpp"
#include "profiles/cuda/cupti/metric_config.hpp"

namespace ktune::profiles::cuda::cupti {

class CounterProfiler {
 public:
  // `device`: the CUDA ordinal the kernels run on. Touches no CUPTI state until collect().
  explicit CounterProfiler(int device);
  ~CounterProfiler();
  CounterProfiler(const CounterProfiler&) = delete;
  CounterProfiler& operator=(const CounterProfiler&) = delete;

  // Runs `launch` once per pass in the current CUDA context, each after `prepare` (outside the
  // profiled range: an L2 flush for cold-cache counters), and returns the measured metrics.
  // Empty when the environment forbids counters (see problem()). Exceptions from `launch` pass
  // through; UsageError for an extra metric the chip does not have; CuptiError or Error for any
  // other failure.
  std::vector<Metric> collect(const MetricRequest& request, const std::string& range_name,
                              const std::function<void()>& prepare,
                              const std::function<void()>& launch);

  const std::string& problem() const;  // empty while counters work (or before the first try)
  const std::string& chip() const;     // empty until set up
  // What the current config leaves out on this chip ("dram_bytes_read: GA10B has no ...").
  std::vector<std::string> dropped() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ktune::profiles::cuda::cupti
