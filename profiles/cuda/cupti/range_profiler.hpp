#pragma once
// One counter measurement with the CUPTI Range Profiler on a CUDA context (cupti_range_profiler.h,
// CUDA 12.6+; the deprecated Profiling API and the removed Event/Metric API are never used).
//
// Construction enables the range profiler on the context, creates the counter-data image and sets
// the config (user range, user replay, one range, one nesting level); destruction disables it, so
// the profiler is only ever enabled around a measurement and never while kernels are timed.
// measure() replays the launch once per pass inside one range named after the variant:
//   per pass: prepare() [outside the range: e.g. an L2 flush], Start, PushRange, launch(),
//             PopRange, Stop   -- until CUPTI reports every pass submitted;
//   then DecodeData, and the host API evaluates the range into ktune metrics.
#include <cuda.h>
#include <cupti_range_profiler.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/evaluation.hpp"
#include "profiles/cuda/cupti/metric_config.hpp"

namespace ktune::profiles::cuda::cupti {

class RangeProfiler {
 public:
  // Throws CuptiError (e.g. CUPTI_ERROR_INSUFFICIENT_PRIVILEGES from cuptiRangeProfilerEnable).
  RangeProfiler(CUcontext context, const MetricConfig& config);
  ~RangeProfiler();
  RangeProfiler(const RangeProfiler&) = delete;
  RangeProfiler& operator=(const RangeProfiler&) = delete;

  // Exceptions from prepare/launch pass through after the profiler has been stopped.
  std::vector<Metric> measure(const std::string& range_name, const std::function<void()>& prepare,
                              const std::function<void()>& launch);

 private:
  void stop_nothrow() noexcept;

  const MetricConfig& config_;
  CUpti_RangeProfiler_Object* object_ = nullptr;
  std::vector<std::uint8_t> counter_data_;  // CUPTI keeps its address from SetConfig on
  bool started_ = false;
  bool range_open_ = false;
};

}  // namespace ktune::profiles::cuda::cupti
