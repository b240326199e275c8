#include "tuner/session.hpp"

#include <algorithm>
#include <chrono>

namespace ktune::tuner {

std::optional<double> TuneResult::speedup_over_default() const {
  if (!best || !default_config) return std::nullopt;
  const auto best_ms = evaluations[*best].evaluation.objective_ms();
  const auto default_ms = evaluations[*default_config].evaluation.objective_ms();
  if (!best_ms || !default_ms || *best_ms <= 0) return std::nullopt;
  return *default_ms / *best_ms;
}

Session::Session(const Space& space, profiles::Evaluator& evaluator, Strategy& strategy,
                 db::Store* store, std::int64_t session_id)
    : space_(space),
      evaluator_(evaluator),
      strategy_(strategy),
      store_(store),
      session_id_(session_id) {}

const EvaluatedConfig& Session::evaluate(const Config& config, TuneResult& result) {
  EvaluatedConfig entry{result.evaluations.size() + 1, config, evaluator_.evaluate(config)};
  if (store_) store_->record(session_id_, space_.canonical(config), entry.evaluation);
  strategy_.tell(config, entry.evaluation);
  seen_.insert(config);
  result.evaluations.push_back(std::move(entry));
  const auto& latest = result.evaluations.back();
  if (auto ms = latest.evaluation.objective_ms()) {
    if (!result.best || *ms < *result.evaluations[*result.best].evaluation.objective_ms())
      result.best = result.evaluations.size() - 1;
  }
  return latest;
}

TuneResult Session::run(const Budget& budget, std::size_t space_size, const std::atomic<bool>* stop,
                        const Progress& progress) {
  TuneResult result;
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  auto out_of_budget = [&]() -> bool {
    if (budget.evaluations && result.evaluations.size() >= *budget.evaluations) {
      result.stop_reason = "evaluation budget";
      return true;
    }
    if (budget.seconds && elapsed() >= *budget.seconds) {
      result.stop_reason = "time budget";
      return true;
    }
    if (stop && stop->load()) {
      result.stop_reason = "interrupted";
      result.interrupted = true;
      return true;
    }
    return false;
  };

  const Config default_config = space_.default_config();
  if (space_.is_valid(default_config) && !out_of_budget()) {
    evaluate(default_config, result);
    result.default_config = 0;
    if (progress) progress(result, space_size);
  }
  // A strategy that only proposes known points has nothing left to learn.
  const std::size_t max_revisits = std::max<std::size_t>(10'000, 4 * space_size);
  std::size_t revisits = 0;
  while (!out_of_budget()) {
    auto next = strategy_.next();
    if (!next) {
      result.stop_reason = "space exhausted";
      break;
    }
    if (seen_.contains(*next)) {
      // A revisit costs no evaluation: tell the strategy what it already cost.
      for (const auto& e : result.evaluations)
        if (e.config == *next) strategy_.tell(e.config, e.evaluation);
      if (++revisits > max_revisits) {
        result.stop_reason = "strategy proposes only evaluated configurations";
        break;
      }
      continue;
    }
    revisits = 0;
    evaluate(*next, result);
    if (progress) progress(result, space_size);
  }
  result.elapsed_seconds = elapsed();
  return result;
}

}  // namespace ktune::tuner
