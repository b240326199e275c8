#pragma once
// A test seam: with KTUNE_PAUSE_AFTER_EVALUATIONS=N in the environment, `ktune tune` stops itself
// (SIGSTOP) right after its Nth evaluation is stored, so a test can kill or interrupt a session at
// a known point instead of racing a clock. Without the variable it only forwards.
#include <signal.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "tuner/recorder.hpp"

namespace ktune::cli {

class PausePoint final : public tuner::Recorder {
 public:
  explicit PausePoint(tuner::Recorder& inner) : inner_(inner) {
    if (const char* n = std::getenv("KTUNE_PAUSE_AFTER_EVALUATIONS"))
      pause_after_ = std::strtoull(n, nullptr, 10);
  }
  void session_begun(const tuner::SessionPlan& plan) override { inner_.session_begun(plan); }
  void evaluation_recorded(const Space& space, const Config& config, const Evaluation& evaluation,
                           std::size_t device) override {
    inner_.evaluation_recorded(space, config, evaluation, device);
    if (++recorded_ == pause_after_) raise(SIGSTOP);
  }
  void finalists_measured(const Space& space, std::span<const tuner::FinalistRun> finalists,
                          bool remeasured) override {
    inner_.finalists_measured(space, finalists, remeasured);
  }
  void session_ended(SessionStatus status, std::optional<StopReason> stop) override {
    inner_.session_ended(status, stop);
  }

 private:
  tuner::Recorder& inner_;
  std::uint64_t pause_after_ = 0;
  std::uint64_t recorded_ = 0;
};

}  // namespace ktune::cli
