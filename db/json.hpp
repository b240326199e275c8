#pragma once
// The JSON shape of what the database gives back, written once (core/json.hpp has the core
// types these embed; docs/OUTPUT.md lists every key with its unit). Every command that prints a
// stored session, device or measurement goes through these.
#include "core/json.hpp"
#include "db/baselines.hpp"
#include "db/crossovers.hpp"
#include "db/finalists.hpp"
#include "db/lookup.hpp"
#include "db/merge.hpp"
#include "db/queries.hpp"
#include "db/records.hpp"
#include "db/store.hpp"

namespace ktune::db {

NLOHMANN_JSON_SERIALIZE_ENUM(Origin, {{Origin::tune, "tune"},
                                      {Origin::import, "import"},
                                      {Origin::migrated, "migrated"}})
NLOHMANN_JSON_SERIALIZE_ENUM(ParamValue::Kind, {{ParamValue::Kind::integer, "integer"},
                                                {ParamValue::Kind::boolean, "boolean"},
                                                {ParamValue::Kind::choice, "choice"},
                                                {ParamValue::Kind::text, "text"}})

// A configuration's typed values as an object: NAME -> number (integers and booleans) or label
// (choices, text), in the configuration's parameter order.
Json params_json(const std::vector<ParamValue>& params);

// {"name", "median_ms"}
void to_json(Json& j, const CpuBaseline& b);

// {"baseline_id", "method", "library", "libraries", "threads", "host", "samples_ms", "time"
//  (Summary), "gflops", "reused", "measured_at"}
void to_json(Json& j, const StoredCpuBaseline& b);

// {"kernel", "variant", "source_hash", "problem", "dtype", "device_id", "device_name",
//  "backend", "architecture", "driver_version", "runtime_version", "device_fingerprint"}
void to_json(Json& j, const StoredContext& c);

// {"id", "uid", the context's keys, "strategy", "seed", "status",
//  "origin", "source", "budget" {"evaluations", "seconds"}, "space_size", "settings",
//  "command", "host", "tool_version", "started_at", "ended_at"}
void to_json(Json& j, const StoredSession& s);

// {"measurement_id", "session", "session_uid", "seq", "origin", the context's keys, "config",
//  "params", then the evaluation's keys (core/json.hpp), "cpu_baseline", "measured_at"}
void to_json(Json& j, const StoredMeasurement& m);

// {"id", "fingerprint", "first_seen", "sessions", "measurements", "device" (DeviceInfo)}
void to_json(Json& j, const StoredDevice& d);

// The session's keys, then {"measurements", "correct", "best_ms", "best_config"}
void to_json(Json& j, const SessionSummary& s);

// {"kernel", "problem", "dtype", "rule", "config", "distance", "rechecked", "explanation",
//  "source" (the stored measurement behind the answer, with its "rank"), "rejected"}
Json lookup_json(const Store& store, const LookupRequest& request, const LookupResult& result);

// {"rank", "config", "remeasured", "samples_ms", "time" (Summary)}
void to_json(Json& j, const StoredFinalist& f);

// {"crossover_id", "kernel", "device_id", "host", "points" (CrossoverPoint[]), "kernel_crossover",
//  "end_to_end_crossover", "tool_version", "measured_at"}
void to_json(Json& j, const StoredCrossover& x);

void to_json(Json& j, const Comparison& c);
void to_json(Json& j, const MergeSourceReport& r);
void to_json(Json& j, const ImportSummary& s);
void to_json(Json& j, const DatabaseInfo& info);

}  // namespace ktune::db
