#pragma once
// The theoretical occupancy of a session's configurations on a GPU architecture, computed offline
// (profiles/analysis: NVRTC and the occupancy model, no GPU), for sessions whose record has none:
// a tune on PoCL, or a replay of one of ktune's own kernels. Only evaluations without a recorded
// occupancy take the computed resources, so a CUDA session keeps what its device reported.
#include <string>

#include "report/session_report.hpp"

namespace ktune::report {

// Sets `report.occupancy_arch` and the resources of the evaluations it could compile for `arch`.
// Throws UsageError for an unknown architecture or a kernel ktune cannot compile (an import), and
// Error without the CUDA backend.
void add_offline_occupancy(SessionReport& report, const std::string& arch);

}  // namespace ktune::report
