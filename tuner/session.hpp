#pragma once
// A tuning session: asks the strategy for configurations, has the evaluator measure them,
// records every evaluation as it happens (through a Recorder), and stops on budget, stagnation,
// exhaustion or request. With real kernels the default configuration is evaluated first, so
// the speed-up of the winner over it is measured rather than assumed. A session resumes from
// what an earlier run of it stored: those evaluations are served to the strategy again, in
// their order, without measuring anything twice, so a deterministic strategy continues exactly
// where it stopped.
//
// Several devices (of one model) search together: every idle device gets one of the strategy's
// batch proposals (Strategy::propose) and results are told as they come back, in any order;
// the strategy and the recorder are only called from the session's thread. The first device
// is the one the finalists are re-measured on (tune()).
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/evaluation.hpp"
#include "profiles/evaluator.hpp"
#include "space/space.hpp"
#include "tuner/budget.hpp"
#include "tuner/recorder.hpp"
#include "tuner/strategy.hpp"

namespace ktune::tuner {

struct SessionOptions {
  bool evaluate_default_first = true;
  // The session clock is the sum of the evaluations' costs (Evaluation::cost_ms), as in a
  // replay, where each evaluation costs what the recorded tuner paid for it.
  bool simulated_time = false;
  // Where the strategy knows its next proposals (exhaustive search), this many are handed to
  // the evaluator together to compile in parallel; 0 compiles one at a time.
  std::size_t compile_ahead = 32;
  // Evaluated first (after the default configuration): the best configurations known for
  // nearby problems, say. Invalid or repeated ones are skipped.
  std::vector<Config> warm_start;
};

struct EvaluatedConfig {
  std::size_t index = 0;  // 1-based, in evaluation order; a revisit costs nothing
  Config config;
  Evaluation evaluation;
  bool resumed = false;    // served from the store, not measured in this run
  double at_seconds = 0;   // session time when it was done
  std::size_t device = 0;  // which of the session's devices measured it
};

struct TuneResult {
  std::vector<EvaluatedConfig> evaluations;
  std::optional<std::size_t> best;            // into `evaluations`
  std::optional<std::size_t> default_config;  // into `evaluations`
  StopReason stop_reason = StopReason::space_exhausted;
  double elapsed_seconds = 0;  // session time (simulated in a replay)
  std::size_t resumed = 0;     // evaluations served from the store
  bool interrupted = false;

  // Median time of the default configuration over that of the best; nullopt unless both ran.
  std::optional<double> speedup_over_default() const;
};

class Session {
 public:
  using Progress = std::function<void(const TuneResult& so_far, std::size_t space_size)>;

  // `recorder` may be null (nothing recorded).
  Session(const Space& space, profiles::Evaluator& evaluator, Strategy& strategy,
          Recorder* recorder, SessionOptions options = {});
  // Several devices of one model, each with its evaluator (at least one, none null); with
  // simulated_time they are simulated, else each measures on its own thread.
  Session(const Space& space, std::vector<profiles::Evaluator*> devices, Strategy& strategy,
          Recorder* recorder, SessionOptions options = {});

  const Space& space() const { return space_; }

  // What an earlier run of this session stored, in the order it was evaluated (cost_ms as
  // well as it is known: it counts against the time budget). Served instead of measured.
  void resume(std::vector<std::pair<Config, Evaluation>> stored);

  // Runs until the strategy is done, the budget is spent, or *stop becomes true.
  TuneResult run(const Budget& budget, std::size_t space_size,
                 const std::atomic<bool>* stop = nullptr, const Progress& progress = {});

 private:
  void add(const Config& config, Evaluation evaluation, bool resumed, TuneResult& result,
           std::size_t device = 0);
  TuneResult run_on_several(const Budget& budget, std::size_t space_size,
                            const std::atomic<bool>* stop, const Progress& progress);
  void serve_all_stored(TuneResult& result);
  // Hands `config` and the strategy's known next proposals to the evaluator to compile together.
  void compile_ahead(const Config& config, const Budget& budget, const TuneResult& result);
  double clock() const;
  bool budget_spent(const Budget& budget, const std::atomic<bool>* stop, std::size_t counted,
                    std::size_t since_improvement, TuneResult& result) const;

  const Space& space_;
  std::vector<profiles::Evaluator*> devices_;
  profiles::Evaluator& evaluator_;  // the first device
  Strategy& strategy_;
  Recorder* recorder_;
  SessionOptions options_;
  std::unordered_map<Config, std::size_t, ConfigHash> position_;  // into result.evaluations
  std::vector<std::pair<Config, Evaluation>> stored_;
  std::unordered_map<Config, std::size_t, ConfigHash> stored_position_;  // not yet served
  std::unordered_set<Config, ConfigHash> ahead_;  // the last batch handed to prepare_ahead
  double spent_ms_ = 0;  // cost of the evaluations so far (simulated clock, stored evaluations)
  double wall_origin_ = 0;
  double simulated_devices_ms_ = 0;  // several simulated devices: their clock
};

}  // namespace ktune::tuner
