#pragma once
// The report's data as one JSON document, built from each type's one serialiser (core/json.hpp,
// db/json.hpp): the page's script draws from it, and docs/OUTPUT.md lists its keys.
#include <string>
#include <vector>

#include "core/json.hpp"
#include "report/session_report.hpp"

namespace ktune::report {

// {"session" (a stored session with its counts and best), "device" (DeviceInfo or null),
//  "work" {"flops", "min_bytes"} or null, "best" {"config", "objective_ms",
//  "default_ms", "speedup_over_default", "speedup_vs_cpu", "end_to_end_ms",
//  "speedup_vs_cpu_end_to_end"}, "evaluations" (stored measurements), "cpu_baseline",
//  "transfers", "verdict" {"remeasured", "finalists", "test", "p_value_vs_runner_up",
//  "indistinguishable_from_runner_up", "note"} or null, "crossover" or null}
Json session_report_json(const SessionReport& r);

// {"report" {"ktune_version", "generated_at", "database"}, "sessions" [one per session, in the
// order given: the report's session, then the one compared with it]}
Json report_document(const std::vector<SessionReport>& sessions, const std::string& database);

}  // namespace ktune::report
