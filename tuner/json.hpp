#pragma once
// The JSON shape of a session's results (core/json.hpp has the evaluation inside them).
#include "core/json.hpp"
#include "tuner/budget.hpp"
#include "tuner/finalists.hpp"
#include "tuner/session.hpp"

namespace ktune::tuner {

// {"evaluations", "seconds", "stagnation"}
void to_json(Json& j, const Budget& budget);

// {"index", "config", "params", "objective_ms" (what the search minimises: the median of a
// correct variant, else null), "at_s", "resumed", then the evaluation's keys}
Json evaluated_json(const Space& space, const EvaluatedConfig& evaluated);

// The verdict on the finalists: {"remeasured", "finalists" [{"index", "config", "params",
// "samples_ms", "time"}], "test", "p_value_vs_runner_up", "indistinguishable_from_runner_up",
// "note"}; null without finalists.
Json verdict_json(const Space& space, const TuneResult& result, const Verdict& verdict);

}  // namespace ktune::tuner
