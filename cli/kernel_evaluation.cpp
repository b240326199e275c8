#include "cli/kernel_evaluation.hpp"

#include "core/error.hpp"
#include "profiles/isolation/isolated_evaluator.hpp"
#include "profiles/kernel_evaluator.hpp"

namespace ktune::cli {

KernelEvaluation open_kernel_evaluation(const kernels::Family& family, const Problem& problem,
                                        const profiles::Selection& selection, int device_index,
                                        const Space& space, const SpaceOptions* space_options,
                                        const MeasurementOptions& measurement,
                                        const profiles::MeasureOptions& measure) {
  KernelEvaluation r;
  if (measurement.isolation == "none") {
    r.device = selection.backend->open(device_index);
    r.timer_warning = for_option("--timer", [&] { return r.device->set_timer(measurement.timer); });
    r.info = r.device->info();
    r.evaluator = for_option("--prune", [&] {
      return std::make_unique<profiles::KernelEvaluator>(family, problem, space, *r.device,
                                                         measure);
    });
    return r;
  }
  profiles::isolation::WorkerSpec spec;
  spec.kernel = family.name();
  spec.problem = problem;
  spec.backend = selection.device.backend;
  spec.device = device_index;
  if (space_options) {
    spec.sets = space_options->sets;
    spec.restricts = space_options->restricts;
  }
  spec.measure = measure;
  spec.timer = measurement.timer;
  try {
    auto isolated = std::make_unique<profiles::isolation::IsolatedEvaluator>(spec, space);
    r.info = isolated->device();
    r.timer_warning = isolated->timer_warning();
    r.evaluator = std::move(isolated);
  } catch (const profiles::isolation::TimerRefused& e) {
    throw UsageError(std::string("--timer ") + e.what());
  } catch (const UsageError& e) {
    throw UsageError(std::string("--prune ") + e.what());
  }
  return r;
}

}  // namespace ktune::cli
