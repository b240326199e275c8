#pragma once
// A tuning session: asks the strategy for configurations, has the evaluator measure them,
// records every evaluation in the store as it happens, and stops on budget, exhaustion or
// request. The default configuration is always evaluated first, so the speed-up of the winner
// over it is measured rather than assumed.
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/evaluation.hpp"
#include "db/store.hpp"
#include "profiles/evaluator.hpp"
#include "tuner/space/space.hpp"
#include "tuner/strategy.hpp"

namespace ktune::tuner {

struct Budget {
  std::optional<std::size_t> evaluations;  // unique configurations evaluated
  std::optional<double> seconds;           // wall time (or simulated time in a replay)
};

struct EvaluatedConfig {
  std::size_t index = 0;  // 1-based, in evaluation order; a revisit costs nothing
  Config config;
  Evaluation evaluation;
};

struct TuneResult {
  std::vector<EvaluatedConfig> evaluations;
  std::optional<std::size_t> best;            // into `evaluations`
  std::optional<std::size_t> default_config;  // into `evaluations`
  std::string stop_reason;                    // "space exhausted", "evaluation budget", ...
  double elapsed_seconds = 0;
  bool interrupted = false;

  // Median time of the default configuration over that of the best; nullopt unless both ran.
  std::optional<double> speedup_over_default() const;
};

class Session {
 public:
  using Progress = std::function<void(const TuneResult& so_far, std::size_t space_size)>;

  // `store` may be null (nothing recorded); `session_id` identifies the stored session.
  Session(const Space& space, profiles::Evaluator& evaluator, Strategy& strategy, db::Store* store,
          std::int64_t session_id);

  // Runs until the strategy is done, the budget is spent, or *stop becomes true.
  TuneResult run(const Budget& budget, std::size_t space_size,
                 const std::atomic<bool>* stop = nullptr, const Progress& progress = {});

 private:
  const EvaluatedConfig& evaluate(const Config& config, TuneResult& result);

  const Space& space_;
  profiles::Evaluator& evaluator_;
  Strategy& strategy_;
  db::Store* store_;
  std::int64_t session_id_;
  std::unordered_set<Config, ConfigHash> seen_;
};

}  // namespace ktune::tuner
