#pragma once
// The rows Store inserts, with what only imports and migrations set (explicit ids, origin,
// times). Internal to db/.
#include <cstdint>
#include <optional>
#include <string>

#include "db/store.hpp"

namespace ktune::db {

struct Store::SessionRow {
  const SessionRecord& record;
  std::string uid;
  Origin origin = Origin::tune;
  std::string source;
  std::string started_at;
  std::optional<std::string> ended_at;
  SessionStatus status = SessionStatus::running;
  std::optional<std::int64_t> id{};  // keep this id (migration); nullopt: the next free one
  std::string device_fingerprint{};  // overrides record.device.fingerprint()
};

struct Store::MeasurementRow {
  std::int64_t session = 0;
  const std::string& config;
  const Evaluation& evaluation;
  const RecordExtras& extras;
  std::string created_at;
  std::optional<std::int64_t> id{};   // keep this id (migration); nullopt: the next free one
  std::optional<std::int64_t> seq{};  // nullopt: after the session's last measurement
};

}  // namespace ktune::db
