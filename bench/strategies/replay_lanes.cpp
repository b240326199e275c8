#include "bench/strategies/replay_lanes.hpp"

#include <time.h>

#include <algorithm>
#include <limits>

#include "profiles/replay/replay_evaluator.hpp"
#include "tuner/strategy.hpp"

namespace ktune::bench {
namespace {

double thread_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct Lane {
  bool busy = false;
  double done = 0;
  Config config;
};

}  // namespace

LaneRun replay_lanes(const RecordedSpace& d, const std::string& name, std::uint64_t seed,
                     const LaneOptions& options) {
  profiles::replay::ReplayEvaluator evaluator(d.data);
  auto strategy = tuner::make_strategy(name, d.index, seed);
  std::vector<Lane> lanes(std::max<std::size_t>(1, options.lanes));
  LaneRun run;
  double strategy_free = 0;  // when the strategy's thread is next idle
  // Runs `work` on the strategy's thread no earlier than `at`; returns when it is done.
  auto on_strategy = [&](double at, auto&& work) {
    const double start = thread_seconds();
    work();
    const double spent = thread_seconds() - start;
    run.strategy_seconds += spent;
    strategy_free = std::max(strategy_free, at) + spent;
    return strategy_free;
  };
  auto fill = [&](double now) {
    std::size_t idle = 0;
    for (const auto& lane : lanes)
      idle += lane.busy ? 0 : 1;
    if (idle == 0) return;
    std::vector<Config> batch;
    const double ready = on_strategy(now, [&] { batch = strategy->propose(idle); });
    auto next = batch.begin();
    for (auto& lane : lanes) {
      if (lane.busy || next == batch.end()) continue;
      lane.busy = true;
      lane.config = std::move(*next++);
      lane.done = ready + evaluator.lookup(lane.config).cost_ms / 1000.0;
    }
    on_strategy(ready, [&] { strategy->prepare(); });
  };

  fill(0);
  std::optional<double> best;
  for (;;) {
    Lane* first = nullptr;
    for (auto& lane : lanes)
      if (lane.busy && (!first || lane.done < first->done)) first = &lane;
    if (!first) break;  // the space is exhausted
    const double now = first->done;
    const Evaluation result = evaluator.lookup(first->config);
    const double told = on_strategy(now, [&] { strategy->tell(first->config, result); });
    first->busy = false;
    if (auto ms = result.objective_ms(); ms && (!best || *ms < *best)) best = *ms;
    run.trace.push_back({now, best});
    const std::size_t n = run.trace.size();
    if (options.evaluations && n >= options.evaluations) break;
    if (options.seconds > 0 && now >= options.seconds) break;
    if (options.at_least && n >= options.at_least && best &&
        *best <= (1 + options.target) * d.optimum)
      break;
    fill(told);
  }
  return run;
}

std::optional<std::size_t> evaluations_to(const std::vector<TracePoint>& trace, double optimum,
                                          double fraction) {
  for (std::size_t i = 0; i < trace.size(); ++i)
    if (trace[i].best && *trace[i].best <= (1 + fraction) * optimum) return i + 1;
  return std::nullopt;
}

}  // namespace ktune::bench
