#pragma once
// A tuning session from start to verdict: the search (Session), then the finalists'
// interleaved re-measurement (choose_winner), with the recorder told of each step — begun, every
// evaluation, the finalists, ended (completed, interrupted, or failed when an error escapes).
#include <atomic>
#include <functional>

#include "profiles/evaluator.hpp"
#include "tuner/finalists.hpp"
#include "tuner/recorder.hpp"
#include "tuner/session.hpp"

namespace ktune::tuner {

struct Tuning {
  TuneResult result;
  Verdict verdict;
};

struct TuningHooks {
  const std::atomic<bool>* stop = nullptr;  // set to stop (Ctrl-C): the session is interrupted
  Session::Progress progress{};             // after every evaluation
  std::function<void()> finalists_starting{};
};

// `session` must record through the same `recorder` (or none). The finalists are not measured
// again when the search was interrupted.
Tuning tune(const SessionPlan& plan, Session& session, profiles::Evaluator& evaluator,
            const FinalistOptions& finalists, Recorder* recorder, const TuningHooks& hooks = {});

}  // namespace ktune::tuner
