#pragma once
// The parent's side of process isolation: an Evaluator that sends every configuration to a
// worker process (`ktune worker`) running a KernelEvaluator on the device, so nothing a variant
// does (a crash in a driver or the OpenCL runtime, an abort, a kernel that never ends, a poisoned
// context) can take the session down. The tuner cannot tell it from a KernelEvaluator.
//
//   a run past the timeout      the worker is killed, the variant is `timeout`, a new worker
//                               serves the next request
//   the worker dies             the variant is run once more in a new worker (a crash can be the
//                               aftermath of an earlier variant); a second death records it
//                               `launch_error` naming the signal, and it is not run a third time
//   it dies twice on the        the device is not usable: Error, the session ends
//   default configuration
//   a worker cannot start       Error, the session ends (no restart loop)
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "profiles/evaluator.hpp"
#include "profiles/isolation/worker_process.hpp"
#include "profiles/isolation/worker_spec.hpp"
#include "space/space.hpp"

namespace ktune::profiles::isolation {

struct IsolationLimits {
  // Beyond the run timeout, how long the parent waits for a launch to be reported done before
  // it kills the worker (the backend's own timeout, where it has one, fires first).
  double launch_grace_ms = 1'000;
  // Longest silence outside a launch (compiling, verifying, compiling ahead).
  double step_ms = 300'000;
  // Longest start: open the device, build the inputs and the CPU reference.
  double start_ms = 600'000;
};

// `ktune worker`, run from this very executable.
std::vector<std::string> default_worker_command();

class IsolatedEvaluator final : public Evaluator {
 public:
  // Starts the first worker and opens the device in it. Throws UsageError for what the user can
  // fix (as KernelEvaluator would) and Error when no worker can start or the device cannot open.
  // `space` is the parent's copy of the space the spec describes, for configurations as JSON.
  IsolatedEvaluator(WorkerSpec spec, const Space& space,
                    std::vector<std::string> command = default_worker_command(),
                    IsolationLimits limits = {});
  ~IsolatedEvaluator() override;

  const DeviceInfo& device() const override { return device_; }
  Evaluation evaluate(const Config& config) override;
  std::vector<double> sample(const Config& config, int runs) override;
  void prepare_ahead(std::span<const Config> configs) override;
  std::string counters_problem() const override { return counters_problem_; }

  // What the worker's device said about --timer (empty when the timer works).
  const std::string& timer_warning() const { return timer_warning_; }
  // Workers started so far (1 until one is replaced).
  int workers_started() const { return started_; }

 private:
  struct Reply {
    enum class Kind { answered, died, timed_out } kind = Kind::answered;
    Json message;       // answered
    std::string death;  // died: "killed by SIGSEGV"
  };
  void start();
  Reply request(const Json& message);
  Reply wait_reply();
  Evaluation failed(Outcome outcome, std::string message) const;

  WorkerSpec spec_;
  const Space& space_;
  std::vector<std::string> command_;
  IsolationLimits limits_;
  std::unique_ptr<WorkerProcess> worker_;
  DeviceInfo device_;
  std::string timer_warning_, counters_problem_;
  int started_ = 0;
  std::map<Config, int> deaths_;  // workers that died running each configuration
};

}  // namespace ktune::profiles::isolation
