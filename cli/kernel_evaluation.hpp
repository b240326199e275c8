#pragma once
// The evaluator of a kernel on a device, as --isolation asks: in a worker process (the default:
// nothing a variant does can end the session) or in this process (for debugging). Shared by
// tune and profile.
#include <memory>
#include <string>

#include "cli/option_groups.hpp"
#include "core/device_info.hpp"
#include "profiles/device.hpp"
#include "profiles/evaluator.hpp"

namespace ktune::cli {

struct KernelEvaluation {
  std::unique_ptr<profiles::Device> device;  // --isolation none only: the worker owns it else
  std::unique_ptr<profiles::Evaluator> evaluator;
  DeviceInfo info;            // the device, as it was opened
  std::string timer_warning;  // why --timer fell back to events, if it did
};

// Opens device `device_index` of the selected backend (here or in a worker) with --timer, to
// evaluate `space` (which must outlive the evaluator) as `measure` says; `space_options` are the
// --set/--restrict the space was built with (the worker rebuilds it from them). UsageError names
// --timer or --prune when the device refuses them.
KernelEvaluation open_kernel_evaluation(const kernels::Family& family, const Problem& problem,
                                        const profiles::Selection& selection, int device_index,
                                        const Space& space, const SpaceOptions* space_options,
                                        const MeasurementOptions& measurement,
                                        const profiles::MeasureOptions& measure);

}  // namespace ktune::cli
