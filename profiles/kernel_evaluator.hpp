#pragma once
// Evaluates configurations of a kernel family on a device, in explicit phases:
//   plan -> compile -> verify (against the CPU reference) -> warm up -> timed runs.
// The timed runs repeat until the 95% confidence interval of the median is narrower than
// `target_relative_ci`, or `max_runs` or the time cap is reached.
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "kernels/family.hpp"
#include "profiles/device.hpp"
#include "profiles/evaluator.hpp"
#include "profiles/prune.hpp"

namespace ktune::profiles {

struct MeasureOptions {
  int warmup_runs = 1;
  int min_runs = 5;
  int max_runs = 100;
  double target_relative_ci = 0.05;
  double max_seconds_per_variant = 2.0;  // cap on timed runs of one variant
  double timeout_ms = 10'000;            // a single run longer than this ends the variant
  std::uint64_t seed = 1;                // of the random inputs
  bool flush_caches = true;              // before every timed run, where the backend can
  PruneRules prune;                      // drop variants after compiling, before running
  bool profile = true;                   // counters from a separate run after timing, if any
  CounterRequest counters;               // what that run collects besides the standard set
  double cpu_baseline_ms = 0;            // CPU baseline median (0: none): speedup_vs_cpu
};

class KernelEvaluator final : public Evaluator {
 public:
  // Checks that the problem's buffers fit the device and the host (UsageError if not), creates
  // the inputs and the CPU reference, and uploads the inputs.
  KernelEvaluator(const kernels::Family& family, Problem problem, const Space& space,
                  Device& device, MeasureOptions options = {});
  ~KernelEvaluator() override;

  const DeviceInfo& device() const override { return device_.info(); }
  Evaluation evaluate(const Config& config) override;
  std::vector<double> sample(const Config& config, int runs) override;
  void prepare_ahead(std::span<const Config> configs) override;
  std::string counters_problem() const override { return device_.counters_problem(); }

  const kernels::Reference& reference() const { return reference_; }

 private:
  struct Prepared {
    LaunchPlan plan;
    std::unique_ptr<Program> program;
    Resources resources;        // the program's, completed for its launch by the device
    std::uint64_t variant = 0;  // 1-based number in evaluation order (phase markers)
  };
  Prepared prepare(const Config& config, std::uint64_t variant);
  VariantPhase phase(Phase phase, const std::string& config, std::uint64_t variant) const;
  void reset_output(bool poison);
  double run_once(Prepared& prepared);

  const kernels::Family& family_;
  std::string kernel_name_;
  Problem problem_;
  const Space& space_;
  Device& device_;
  MeasureOptions options_;
  kernels::Workload workload_;
  kernels::Reference reference_;
  std::vector<std::unique_ptr<Buffer>> buffers_;
  std::vector<Buffer*> buffer_views_;
  // Compiled programs of the fastest correct configurations (the finalists sample() re-measures),
  // with their medians; bounded, the slowest evicted first.
  struct Kept {
    Prepared prepared;
    double median_ms = 0;
  };
  void keep(const Config& config, Prepared prepared, double median_ms);
  std::map<Config, Kept> kept_;
  std::uint64_t evaluated_ = 0;
};

// Throws UsageError when the buffers of `problem` cannot be allocated on `device` (or on the
// host, which holds a copy and the reference).
void check_fits(const kernels::Family& family, const Problem& problem, const DeviceInfo& device);

}  // namespace ktune::profiles
