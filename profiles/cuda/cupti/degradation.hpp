#pragma once
// Why hardware counters are unavailable, in one line that says how to fix it. Profiling degrades
// gracefully: timing goes on, and bytes and FLOPs come from the kernel's analytic model.
#include <cupti_profiler_target.h>
#include <cupti_result.h>

#include <string>
#include <string_view>

namespace ktune::profiles::cuda::cupti {

// True for the codes by which the machine says no to counters (permissions, counters busy, MIG,
// vGPU, WSL, another tool attached, a chip or driver this CUPTI does not support, ...): they
// turn counters off with a reason. Any other code is a defect in ktune or CUPTI.
bool environment_problem(CUptiResult code);

// For an environment_problem() while setting up or running the range profiler.
std::string counters_unavailable(CUptiResult code, std::string_view call);

// For a device cuptiProfilerDeviceSupported rejects; empty when it is supported.
std::string counters_unsupported(const CUpti_Profiler_DeviceSupported_Params& support);

}  // namespace ktune::profiles::cuda::cupti
