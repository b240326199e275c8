#pragma once
// Limits of a tuning session, counted over the whole session (a resumed run included), and why a
// session stopped.
#include <cstddef>
#include <optional>
#include <string>

namespace ktune::tuner {

struct Budget {
  std::optional<std::size_t> evaluations;  // unique configurations evaluated
  std::optional<double> seconds;           // tuning time: wall time, or simulated in a replay
  std::optional<std::size_t> stagnation;   // evaluations in a row without a better best
};

enum class StopReason {
  space_exhausted,    // every configuration was evaluated (or the strategy has no more)
  evaluation_budget,  // Budget::evaluations reached
  time_budget,        // Budget::seconds reached
  stagnation,         // Budget::stagnation evaluations without improvement
  interrupted,        // stopped on request (Ctrl-C)
  only_revisits,      // the strategy proposed only configurations it had already seen
};

// For people: "evaluation budget", "space exhausted", ... (the JSON name, spaced)
std::string describe(StopReason reason);

}  // namespace ktune::tuner
