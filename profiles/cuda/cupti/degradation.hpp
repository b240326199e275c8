#pragma once
// Why hardware counters are unavailable, in one line that says how to fix it. Profiling degrades
// gracefully: timing goes on, and bytes and FLOPs come from the kernel's analytic model.
#include <cupti_profiler_target.h>
#include <cupti_result.h>

#include <string>
#include <string_view>

namespace ktune::profiles::cuda::cupti {

// For a CUPTI failure while setting up or running the range profiler.
std::string counters_unavailable(CUptiResult code, std::string_view call);

// For a device cuptiProfilerDeviceSupported rejects; empty when it is supported.
std::string counters_unsupported(const CUpti_Profiler_DeviceSupported_Params& support);

}  // namespace ktune::profiles::cuda::cupti
