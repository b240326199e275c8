#include "tuner/session.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <stdexcept>

#include "tuner/device_pool.hpp"

namespace ktune::tuner {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Evaluations since the best last changed: what the stagnation budget counts.
class Stagnation {
 public:
  void after_evaluation(const TuneResult& result) {
    if (result.best != last_best_) {
      last_best_ = result.best;
      count_ = 0;
    } else {
      ++count_;
    }
  }
  std::size_t count() const { return count_; }

 private:
  std::optional<std::size_t> last_best_;
  std::size_t count_ = 0;
};

}  // namespace

std::optional<double> TuneResult::speedup_over_default() const {
  if (!best || !default_config) return std::nullopt;
  const auto best_ms = evaluations[*best].evaluation.objective_ms();
  const auto default_ms = evaluations[*default_config].evaluation.objective_ms();
  if (!best_ms || !default_ms || *best_ms <= 0) return std::nullopt;
  return *default_ms / *best_ms;
}

Session::Session(const Space& space, profiles::Evaluator& evaluator, Strategy& strategy,
                 Recorder* recorder, SessionOptions options)
    : Session(space, std::vector<profiles::Evaluator*>{&evaluator}, strategy, recorder, options) {}

Session::Session(const Space& space, std::vector<profiles::Evaluator*> devices, Strategy& strategy,
                 Recorder* recorder, SessionOptions options)
    : space_(space),
      devices_(std::move(devices)),
      evaluator_(devices_.empty() || !devices_.front()
                     ? throw std::invalid_argument("Session: no device")
                     : *devices_.front()),
      strategy_(strategy),
      recorder_(recorder),
      options_(options) {
  for (auto* d : devices_)
    if (!d) throw std::invalid_argument("Session: a null device");
}

void Session::resume(std::vector<std::pair<Config, Evaluation>> stored) {
  stored_ = std::move(stored);
  stored_position_.clear();
  for (std::size_t i = 0; i < stored_.size(); ++i)
    stored_position_.emplace(stored_[i].first, i);  // a repeated configuration keeps its first
}

double Session::clock() const {
  // Stored evaluations count with their recorded cost; this run with the wall clock, or with
  // the evaluations' costs when simulated.
  if (options_.simulated_time) return (spent_ms_ + simulated_devices_ms_) / 1000.0;
  return spent_ms_ / 1000.0 + (now_seconds() - wall_origin_);
}

void Session::add(const Config& config, Evaluation evaluation, bool resumed, TuneResult& result,
                  std::size_t device) {
  // Several simulated devices keep their own clock (simulated_devices_ms_).
  if (resumed || (options_.simulated_time && devices_.size() == 1)) spent_ms_ += evaluation.cost_ms;
  if (!resumed && recorder_) recorder_->evaluation_recorded(space_, config, evaluation, device);
  strategy_.tell(config, evaluation);
  EvaluatedConfig entry{
      result.evaluations.size() + 1, config, std::move(evaluation), resumed, 0, device};
  entry.at_seconds = clock();
  position_.emplace(config, result.evaluations.size());
  if (resumed) ++result.resumed;
  result.evaluations.push_back(std::move(entry));
  const auto& latest = result.evaluations.back();
  if (auto ms = latest.evaluation.objective_ms()) {
    if (!result.best || *ms < *result.evaluations[*result.best].evaluation.objective_ms())
      result.best = result.evaluations.size() - 1;
  }
}

void Session::serve_all_stored(TuneResult& result) {
  // The strategy went another way than the stored run (a different version, say): tell it
  // everything stored that it has not seen, in the stored order; nothing is measured twice.
  for (auto& [config, evaluation] : stored_) {
    auto it = stored_position_.find(config);
    if (it == stored_position_.end() || position_.contains(config)) continue;
    stored_position_.erase(it);
    add(config, std::move(evaluation), true, result);
  }
  stored_position_.clear();
}

void Session::compile_ahead(const Config& config, const Budget& budget, const TuneResult& result) {
  if (options_.compile_ahead < 2 || ahead_.contains(config)) return;
  std::size_t window = options_.compile_ahead;
  if (budget.evaluations)
    window = std::min(
        window, *budget.evaluations - std::min(*budget.evaluations, result.evaluations.size()));
  std::vector<Config> batch{config};
  for (auto& next : strategy_.upcoming(window)) {
    if (batch.size() >= window) break;
    if (!position_.contains(next) && !stored_position_.contains(next) &&
        std::find(batch.begin(), batch.end(), next) == batch.end())
      batch.push_back(std::move(next));
  }
  if (batch.size() < 2) return;
  ahead_.clear();  // what was compiled ahead before is evaluated by now, or never will be
  ahead_.insert(batch.begin(), batch.end());
  evaluator_.prepare_ahead(batch);
}

// Whether the search stops now, with the reason set in `result`: a stop request, then the budgets
// over `counted` evaluations (those under way included). What was stored is already paid for:
// it is served whatever the budget.
bool Session::budget_spent(const Budget& budget, const std::atomic<bool>* stop, std::size_t counted,
                           std::size_t since_improvement, TuneResult& result) const {
  if (stop && stop->load()) {
    result.stop_reason = StopReason::interrupted;
    result.interrupted = true;
    return true;
  }
  if (!stored_position_.empty()) return false;
  if (budget.evaluations && counted >= *budget.evaluations) {
    result.stop_reason = StopReason::evaluation_budget;
    return true;
  }
  if (budget.seconds && clock() >= *budget.seconds) {
    result.stop_reason = StopReason::time_budget;
    return true;
  }
  if (budget.stagnation && since_improvement >= *budget.stagnation) {
    result.stop_reason = StopReason::stagnation;
    return true;
  }
  return false;
}

TuneResult Session::run(const Budget& budget, std::size_t space_size, const std::atomic<bool>* stop,
                        const Progress& progress) {
  if (devices_.size() > 1) return run_on_several(budget, space_size, stop, progress);
  TuneResult result;
  position_.clear();
  spent_ms_ = 0;
  simulated_devices_ms_ = 0;
  wall_origin_ = now_seconds();
  Stagnation stagnation;

  auto out_of_budget = [&] {
    return budget_spent(budget, stop, result.evaluations.size(), stagnation.count(), result);
  };
  auto evaluate = [&](const Config& config) {
    if (auto it = stored_position_.find(config); it != stored_position_.end()) {
      Evaluation stored = std::move(stored_[it->second].second);
      stored_position_.erase(it);
      add(config, std::move(stored), true, result);
    } else {
      if (!stored_position_.empty()) {
        serve_all_stored(result);
        if (position_.contains(config)) return;
      }
      compile_ahead(config, budget, result);
      add(config, evaluator_.evaluate(config), false, result);
    }
    stagnation.after_evaluation(result);
    result.elapsed_seconds = clock();
    if (progress) progress(result, space_size);
  };

  const Config default_config = space_.default_config();
  if (options_.evaluate_default_first && space_.is_valid(default_config) && !out_of_budget()) {
    evaluate(default_config);
    result.default_config = position_.at(default_config);
  }
  for (const auto& config : options_.warm_start) {
    if (out_of_budget()) break;
    if (space_.is_valid(config) && !position_.contains(config)) evaluate(config);
  }
  // A strategy that only proposes known points has nothing left to learn.
  const std::size_t max_revisits = std::max<std::size_t>(10'000, 4 * space_size);
  std::size_t revisits = 0;
  while (!out_of_budget()) {
    auto next = strategy_.next();
    if (!next) {
      serve_all_stored(result);
      result.stop_reason = StopReason::space_exhausted;
      break;
    }
    if (auto it = position_.find(*next); it != position_.end()) {
      // A revisit costs no evaluation: tell the strategy what it already cost.
      strategy_.tell(*next, result.evaluations[it->second].evaluation);
      if (++revisits > max_revisits) {
        result.stop_reason = StopReason::only_revisits;
        break;
      }
      continue;
    }
    revisits = 0;
    evaluate(*next);
  }
  if (options_.evaluate_default_first && !result.default_config) {
    if (auto it = position_.find(default_config); it != position_.end())
      result.default_config = it->second;
  }
  result.elapsed_seconds = clock();
  return result;
}

TuneResult Session::run_on_several(const Budget& budget, std::size_t space_size,
                                   const std::atomic<bool>* stop, const Progress& progress) {
  TuneResult result;
  position_.clear();
  spent_ms_ = 0;
  simulated_devices_ms_ = 0;
  wall_origin_ = now_seconds();
  auto pool =
      options_.simulated_time ? make_simulated_pool(devices_) : make_threaded_pool(devices_);
  std::vector<bool> busy(devices_.size(), false);
  std::unordered_set<Config, ConfigHash> running;
  std::deque<Config> queue;  // to start, in order
  Stagnation stagnation;
  std::exception_ptr lost;  // a device was lost: the others finish, then it is rethrown
  bool stopped = false;     // no more starts (budget, request, exhaustion, a lost device)

  // What runs now counts: a budget of n evaluations starts n.
  auto out_of_budget = [&] {
    return budget_spent(budget, stop, result.evaluations.size() + running.size(),
                        stagnation.count(), result);
  };
  auto after_each = [&] {
    stagnation.after_evaluation(result);
    result.elapsed_seconds = clock();
    if (progress) progress(result, space_size);
  };

  const Config default_config = space_.default_config();
  if (options_.evaluate_default_first && space_.is_valid(default_config))
    queue.push_back(default_config);
  for (const auto& config : options_.warm_start)
    if (space_.is_valid(config) && std::find(queue.begin(), queue.end(), config) == queue.end())
      queue.push_back(config);
  const std::size_t max_revisits = std::max<std::size_t>(10'000, 4 * space_size);
  std::size_t revisits = 0;
  for (;;) {
    // Every idle device gets a configuration.
    while (!stopped && !lost) {
      const auto idle = std::find(busy.begin(), busy.end(), false);
      if (idle == busy.end()) break;
      if (out_of_budget()) {
        stopped = true;
        break;
      }
      if (queue.empty()) {
        const auto idle_count =
            static_cast<std::size_t>(std::count(busy.begin(), busy.end(), false));
        for (auto& c : strategy_.propose(idle_count))
          queue.push_back(std::move(c));
        if (queue.empty()) {
          if (running.empty()) {  // nothing left to propose, nothing pending
            serve_all_stored(result);
            result.stop_reason = StopReason::space_exhausted;
            stopped = true;
          }
          break;  // the rest is pending: wait for results
        }
      }
      Config next = std::move(queue.front());
      queue.pop_front();
      if (auto it = stored_position_.find(next); it != stored_position_.end()) {
        Evaluation stored = std::move(stored_[it->second].second);
        stored_position_.erase(it);
        add(next, std::move(stored), true, result);
        after_each();
        continue;
      }
      if (!stored_position_.empty()) serve_all_stored(result);
      if (running.contains(next)) continue;  // told when it finishes
      if (auto it = position_.find(next); it != position_.end()) {
        strategy_.tell(next, result.evaluations[it->second].evaluation);
        if (++revisits > max_revisits) {
          result.stop_reason = StopReason::only_revisits;
          stopped = true;
        }
        continue;
      }
      revisits = 0;
      const auto device = static_cast<std::size_t>(idle - busy.begin());
      *idle = true;
      running.insert(next);
      pool->start(device, std::move(next));
    }
    if (running.empty()) break;
    strategy_.prepare();  // the devices measure meanwhile
    Finished done = pool->wait();
    busy[done.device] = false;
    running.erase(done.config);
    simulated_devices_ms_ = pool->simulated_ms();
    if (done.error) {
      if (!lost) lost = done.error;
      continue;
    }
    add(done.config, std::move(done.evaluation), false, result, done.device);
    after_each();
  }
  if (lost) std::rethrow_exception(lost);
  if (options_.evaluate_default_first) {
    if (auto it = position_.find(default_config); it != position_.end())
      result.default_config = it->second;
  }
  result.elapsed_seconds = clock();
  return result;
}

}  // namespace ktune::tuner
