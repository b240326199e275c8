#pragma once
// The JSON shape of every core type, written once (as KTT's JsonConverters): every command that
// prints, stores or sends one of these types goes through these functions, so a fact has one key
// name and one unit everywhere (docs/OUTPUT.md lists them). Keys keep the order they are written
// in (ordered JSON). Unknown numbers are null, never 0; times are milliseconds (`_ms`), sizes
// bytes (`_bytes`). Reading is exact: what to_json wrote, from_json gives back (the worker
// protocol relies on it).
//
// The hooks are nlohmann-json's ADL pair, so `Json j = evaluation;` and `j.get<Evaluation>()`
// work. Enums are written as their names (NLOHMANN_JSON_SERIALIZE_ENUM); enum_name() and
// enum_from_name() give the same names as text.
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/crossover.hpp"
#include "core/device_info.hpp"
#include "core/evaluation.hpp"
#include "core/outcome.hpp"
#include "core/session_status.hpp"
#include "core/statistics.hpp"
#include "core/transfer.hpp"

namespace ktune {

using Json = nlohmann::ordered_json;

// null for an empty optional or a number that is not finite.
template <typename T>
Json optional_json(const std::optional<T>& value) {
  if (!value) return nullptr;
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(*value)) return nullptr;
  }
  return *value;
}
// null for a number that is not finite.
inline Json finite_json(double value) {
  return std::isfinite(value) ? Json(value) : Json(nullptr);
}
// null for 0, the "unknown" of a plain number field.
template <typename T>
Json known_json(T value) {
  return value != T{} ? Json(value) : Json(nullptr);
}
// Adds every key of the object `more` to the object `into`, in its order: the keys of a type
// written into an enclosing record (an evaluation's keys into a measurement's).
void merge_into(Json& into, const Json& more);

// A field of `j` read back: its value, or `fallback` when absent or null.
template <typename T>
T read_or(const Json& j, const char* key, T fallback) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->template get<T>();
}
template <typename T>
std::optional<T> read_optional(const Json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->template get<T>();
}

NLOHMANN_JSON_SERIALIZE_ENUM(Outcome, {{Outcome::correct, "correct"},
                                       {Outcome::wrong_result, "wrong_result"},
                                       {Outcome::compile_error, "compile_error"},
                                       {Outcome::launch_error, "launch_error"},
                                       {Outcome::resource_exceeded, "resource_exceeded"},
                                       {Outcome::timeout, "timeout"},
                                       {Outcome::invalid, "invalid"},
                                       {Outcome::pruned, "pruned"}})
NLOHMANN_JSON_SERIALIZE_ENUM(SessionStatus, {{SessionStatus::running, "running"},
                                             {SessionStatus::completed, "completed"},
                                             {SessionStatus::interrupted, "interrupted"},
                                             {SessionStatus::failed, "failed"}})
NLOHMANN_JSON_SERIALIZE_ENUM(StopReason, {{StopReason::space_exhausted, "space_exhausted"},
                                          {StopReason::evaluation_budget, "evaluation_budget"},
                                          {StopReason::time_budget, "time_budget"},
                                          {StopReason::stagnation, "stagnation"},
                                          {StopReason::interrupted, "interrupted"},
                                          {StopReason::only_revisits, "only_revisits"}})
NLOHMANN_JSON_SERIALIZE_ENUM(MetricSource, {{MetricSource::measured, "measured"},
                                            {MetricSource::derived, "derived"}})
NLOHMANN_JSON_SERIALIZE_ENUM(CopyDirection, {{CopyDirection::host_to_device, "host_to_device"},
                                             {CopyDirection::device_to_host, "device_to_host"}})
NLOHMANN_JSON_SERIALIZE_ENUM(HostMemory,
                             {{HostMemory::pageable, "pageable"}, {HostMemory::pinned, "pinned"}})

// The name an enum is written with (its NLOHMANN_JSON_SERIALIZE_ENUM table).
template <typename E>
std::string enum_name(E value) {
  return Json(value).template get<std::string>();
}
// The enum with that name; nullopt for a name the table does not have.
template <typename E>
std::optional<E> enum_from_name(std::string_view name) {
  const E value = Json(std::string(name)).template get<E>();
  if (enum_name(value) != name) return std::nullopt;
  return value;
}

// {"runs", "median_ms", "ci_low_ms", "ci_high_ms", "mean_ms", "stddev_ms", "min_ms", "max_ms"}
void to_json(Json& j, const Summary& s);
void from_json(const Json& j, Summary& s);

// {"registers", "shared_bytes", "stack_bytes", "spill_store_bytes", "spill_load_bytes",
//  "const_bytes", "theoretical_occupancy", "occupancy_limiter"}
void to_json(Json& j, const Resources& r);
void from_json(const Json& j, Resources& r);

// {"name", "value", "unit", "source"}
void to_json(Json& j, const Metric& m);
void from_json(const Json& j, Metric& m);

// {"outcome", "message", "samples_ms", "time" (Summary), "compile_ms", "max_error", "cost_ms",
//  "resources", "metrics"}
void to_json(Json& j, const Evaluation& e);
void from_json(const Json& j, Evaluation& e);

// The device as a backend describes it (every field of DeviceInfo).
void to_json(Json& j, const DeviceInfo& d);
// Missing fields keep their defaults; a missing backend or name is an error.
void from_json(const Json& j, DeviceInfo& d);

// {"size", "problem", "config", "config_source", "tuned_for", "kernel_ms", "transfer_ms",
//  "end_to_end_ms", "cpu_ms", "cpu_baseline_id", "speedup_kernel", "speedup_end_to_end", "note"}
void to_json(Json& j, const CrossoverPoint& p);

// {"direction", "memory", "bytes", "samples_ms", "time" (Summary), "gbs"}
void to_json(Json& j, const TransferTiming& t);
void from_json(const Json& j, TransferTiming& t);

}  // namespace ktune
