#pragma once
// The results store: the only code that speaks SQL. One transaction per evaluation, so a crash
// loses at most the evaluation in flight.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/device_info.hpp"
#include "core/evaluation.hpp"
#include "core/problem.hpp"

namespace ktune::db {

class Connection;

struct SessionRecord {
  std::string family;
  Problem problem;
  DeviceInfo device;
  std::string strategy;
  std::uint64_t seed = 0;
  std::string tool_version;
};

// A stored session as read back.
struct StoredSession {
  std::int64_t id = 0;
  std::string family;
  std::string problem;  // canonical text
  std::string backend;
  std::string device_name;
  std::string device_fingerprint;
  std::string strategy;
  std::uint64_t seed = 0;
  std::string status;  // running | completed | interrupted | failed
  std::string started_at;
  std::string ended_at;  // empty while running
};

// A stored evaluation as read back: the canonical configuration and what was measured.
struct StoredEvaluation {
  std::int64_t id = 0;
  std::string config;
  Evaluation evaluation;
};

class Store {
 public:
  // Opens (creating if needed) and brings the schema up to date. Throws ktune::Error with the
  // path and the reason: unwritable location, not a database, made by a newer ktune.
  static Store open(const std::filesystem::path& path, bool create_directories = false);
  static Store open_in_memory();

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  static constexpr int kSchemaVersion = 1;
  int schema_version() const;

  std::int64_t begin_session(const SessionRecord& session);
  void record(std::int64_t session, const std::string& config, const Evaluation& evaluation);
  void end_session(std::int64_t session, const std::string& status);

  std::int64_t count_evaluations(std::int64_t session) const;

  std::optional<StoredSession> session(std::int64_t id) const;
  std::vector<StoredSession> sessions() const;  // oldest first
  // A session's evaluations in the order they were recorded.
  std::vector<StoredEvaluation> evaluations(std::int64_t session) const;
  // Marks a stored session as running again (resuming it).
  void reopen_session(std::int64_t session);

 private:
  explicit Store(std::unique_ptr<Connection> connection);
  void migrate();
  std::unique_ptr<Connection> connection_;
};

}  // namespace ktune::db
