#pragma once
// What the store gives back: sessions and measurements with their names resolved (kernel,
// problem, device, configuration), as plain data. Their JSON shape is in db/json.hpp.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/evaluation.hpp"
#include "core/session_status.hpp"

namespace ktune::db {

// How a session came into the database.
enum class Origin { tune, import, migrated };

// What a stored session or measurement is about: the kernel, the problem and the device.
struct StoredContext {
  std::string kernel;
  std::string variant;      // within the kernel ("" = the only one)
  std::string source_hash;  // of the kernel source ("" = unknown)
  std::string problem;      // canonical text
  std::string dtype;
  std::int64_t device_id = 0;
  std::string device_name;
  std::string backend;
  std::string architecture;
  std::string driver_version;
  std::string runtime_version;
  std::string device_fingerprint;
};

// A stored session as read back.
struct StoredSession : StoredContext {
  std::int64_t id = 0;
  std::string uid;  // unique across databases (merges recognise it)
  std::string strategy;
  std::uint64_t seed = 0;
  SessionStatus status = SessionStatus::running;
  Origin origin = Origin::tune;
  std::string source;  // the imported file
  std::optional<std::uint64_t> budget_evaluations;
  std::optional<double> budget_seconds;
  std::optional<std::uint64_t> space_size;
  std::map<std::string, std::string> settings;
  std::string command;
  std::string host;
  std::string tool_version;
  std::string started_at;
  std::string ended_at;                   // empty while running
  std::optional<StopReason> stop_reason;  // none: running, failed, imported, or not a search
};

// A typed parameter value of a configuration. `label` is the value as the canonical text writes
// it; `value` the integer (a boolean's 0/1, a choice's index), absent for text.
struct ParamValue {
  enum class Kind { integer, boolean, choice, text };
  std::string name;
  Kind kind = Kind::integer;
  std::optional<std::int64_t> value;
  std::string label;
};

// What the CPU reference implementation (e.g. OpenBLAS) took for the same problem.
struct CpuBaseline {
  std::string name;  // "openblas sgemm, 2 threads"
  double median_ms = 0;
};

// One stored measurement with everything known about it.
struct StoredMeasurement : StoredContext {
  std::int64_t id = 0;
  std::int64_t session = 0;
  std::string session_uid;
  std::int64_t seq = 0;  // 1, 2, ... in the session's evaluation order
  Origin origin = Origin::tune;
  std::string config;  // canonical text
  std::vector<ParamValue> params;
  Evaluation evaluation;
  std::optional<CpuBaseline> baseline;
  std::string created_at;
};

}  // namespace ktune::db
