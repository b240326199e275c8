#include "tuner/tuning.hpp"

namespace ktune::tuner {

Tuning tune(const SessionPlan& plan, Session& session, profiles::Evaluator& evaluator,
            const FinalistOptions& finalists, Recorder* recorder, const TuningHooks& hooks) {
  Tuning t;
  if (recorder) recorder->session_begun(plan);
  try {
    t.result = session.run(plan.budget, plan.space_size, hooks.stop, hooks.progress);
    if (t.result.interrupted) {
      t.verdict.winner = t.result.best;  // no re-measurement when the user asked to stop
    } else {
      if (hooks.finalists_starting) hooks.finalists_starting();
      t.verdict = choose_winner(t.result, evaluator, finalists, hooks.stop);
      if (recorder && !t.verdict.finalists.empty()) {
        std::vector<FinalistRun> runs;
        for (const auto& f : t.verdict.finalists)
          runs.push_back({t.result.evaluations[f.evaluation].config, f.samples, f.summary});
        recorder->finalists_measured(session.space(), runs, t.verdict.remeasured);
      }
    }
  } catch (...) {
    if (recorder) recorder->session_ended(SessionStatus::failed, std::nullopt);
    throw;
  }
  if (recorder)
    recorder->session_ended(
        t.result.interrupted ? SessionStatus::interrupted : SessionStatus::completed,
        t.result.stop_reason);
  return t;
}

}  // namespace ktune::tuner
