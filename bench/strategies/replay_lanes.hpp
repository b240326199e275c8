#pragma once
// A search replayed on N simulated devices ("lanes"), as a session with several devices would
// run it: every idle lane gets a proposal (Strategy::propose), a lane is busy for the recorded
// cost of its configuration (compile, benchmark, verification, framework), and its result is
// told when it finishes; the strategy is one thread, so its own work (tell, propose, and
// prepare() right after each proposal, while the lanes measure) is counted on the clock too:
// a lane that finishes waits for the strategy to be free, then for its tell and proposal.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench/strategies/recorded_space.hpp"

namespace ktune::bench {

struct TracePoint {
  double seconds = 0;          // simulated time when the result was told
  std::optional<double> best;  // best objective (ms) told so far
};

struct LaneOptions {
  std::size_t lanes = 1;
  std::size_t evaluations = 0;  // stop once this many were told (0: no limit)
  double seconds = 0;           // stop once the clock passes this (0: no limit)
  // Stop once this many were told and the best is within `target` of the optimum (0: never).
  std::size_t at_least = 0;
  double target = 0;
};

struct LaneRun {
  std::vector<TracePoint> trace;  // one per evaluation, in the order told
  double strategy_seconds = 0;    // the strategy's own CPU time
};

LaneRun replay_lanes(const RecordedSpace& space, const std::string& strategy, std::uint64_t seed,
                     const LaneOptions& options);

// 1-based number of evaluations until the best is within `fraction` of `optimum`.
std::optional<std::size_t> evaluations_to(const std::vector<TracePoint>& trace, double optimum,
                                          double fraction);

}  // namespace ktune::bench
