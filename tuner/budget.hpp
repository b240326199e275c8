#pragma once
// Limits of a tuning session, counted over the whole session (a resumed run included), and why a
// session stopped.
#include <cstddef>
#include <optional>
#include <string>

#include "core/session_status.hpp"

namespace ktune::tuner {

struct Budget {
  std::optional<std::size_t> evaluations;  // unique configurations evaluated
  std::optional<double> seconds;           // tuning time: wall time, or simulated in a replay
  std::optional<std::size_t> stagnation;   // evaluations in a row without a better best
};

using ktune::StopReason;  // core/session_status.hpp: the database stores it too

// For people: "evaluation budget", "space exhausted", ... (the JSON name, spaced)
std::string describe(StopReason reason);

}  // namespace ktune::tuner
