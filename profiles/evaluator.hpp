#pragma once
// What the tuner drives: something that turns a configuration into an Evaluation. Kernels on a
// device (KernelEvaluator) and recorded datasets (replay) implement it; the tuner cannot tell
// them apart.
#include <span>
#include <string>
#include <vector>

#include "core/device_info.hpp"
#include "core/evaluation.hpp"
#include "space/config.hpp"

namespace ktune::profiles {

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual const DeviceInfo& device() const = 0;

  // Evaluates one configuration of the space. Never throws for a failing variant: the outcome
  // and message say what happened. Throws ktune::Error only when the device itself is lost.
  virtual Evaluation evaluate(const Config& config) = 0;

  // `runs` more timing samples of a configuration that evaluated correct (for interleaved
  // re-measurement of finalists). Empty if it cannot be run again.
  virtual std::vector<double> sample(const Config& config, int runs) = 0;

  // Configurations about to be evaluated, in order: compiled ahead where the backend can compile
  // in parallel (CUDA: NVRTC on every core, into its cache). Never throws: failures come out of
  // evaluate().
  virtual void prepare_ahead(std::span<const Config> configs) { (void)configs; }

  // One line: why the evaluations carry no hardware counters (Device::counters_problem), or
  // empty.
  virtual std::string counters_problem() const { return {}; }
};

}  // namespace ktune::profiles
