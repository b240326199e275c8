#include "db/store.hpp"

#include <chrono>
#include <cmath>
#include <ctime>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "db/sqlite.hpp"

namespace ktune::db {

const std::map<std::string, std::string_view, std::less<>>& embedded_files();  // generated

namespace {

std::string now_utc() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string_view schema_file(std::string_view name) {
  return embedded_files().at(std::string("db/") + std::string(name));
}

}  // namespace

Store::Store(std::unique_ptr<Connection> connection) : connection_(std::move(connection)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Store Store::open(const std::filesystem::path& path, bool create_directories) {
  if (create_directories && path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec)
      throw Error(fmt::format("cannot create the database directory '{}': {}",
                              path.parent_path().string(), ec.message()));
  } else if (path.has_parent_path() && !std::filesystem::is_directory(path.parent_path())) {
    throw Error(fmt::format("cannot open database '{}': directory '{}' does not exist",
                            path.string(), path.parent_path().string()));
  }
  Store store(std::make_unique<Connection>(path.string()));
  store.migrate();
  return store;
}

Store Store::open_in_memory() {
  Store store(std::make_unique<Connection>(":memory:"));
  store.migrate();
  return store;
}

int Store::schema_version() const {
  Statement s(*connection_, "PRAGMA user_version");
  s.step();
  return static_cast<int>(s.integer(0));
}

void Store::migrate() {
  auto& c = *connection_;
  // Reading the header first turns "not a database" and unreadable files into one clear error.
  int version = 0;
  try {
    version = schema_version();
  } catch (const Error& e) {
    throw Error(fmt::format("'{}' is not a usable ktune database ({})", c.path(), e.what()));
  }
  if (version > kSchemaVersion)
    throw Error(
        fmt::format("database '{}' was written by a newer ktune (schema {}; this ktune "
                    "reads up to {}): upgrade ktune",
                    c.path(), version, kSchemaVersion));
  c.execute("PRAGMA busy_timeout = 10000");
  c.execute("PRAGMA foreign_keys = ON");
  if (c.path() != ":memory:") {
    Statement wal(c, "PRAGMA journal_mode = WAL");
    wal.step();
  }
  if (version == kSchemaVersion) return;
  Transaction tx(c);
  if (version < 1) c.execute(schema_file("schema_v1.sql"));
  c.execute(fmt::format("PRAGMA user_version = {}", kSchemaVersion));
  tx.commit();
}

std::int64_t Store::begin_session(const SessionRecord& session) {
  Transaction tx(*connection_);
  Statement s(*connection_,
              "INSERT INTO sessions (started_at, status, family, problem, backend, device_name, "
              "device_fingerprint, strategy, seed, tool_version) "
              "VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, now_utc())
      .bind(2, session.family)
      .bind(3, session.problem.canonical())
      .bind(4, session.device.backend)
      .bind(5, session.device.name)
      .bind(6, session.device.fingerprint())
      .bind(7, session.strategy)
      .bind(8, static_cast<std::int64_t>(session.seed))
      .bind(9, session.tool_version);
  s.run();
  const auto id = connection_->last_insert_id();
  tx.commit();
  return id;
}

void Store::record(std::int64_t session, const std::string& config, const Evaluation& e) {
  Transaction tx(*connection_);
  Statement s(
      *connection_,
      "INSERT INTO evaluations (session_id, config, outcome, message, median_ms, ci_low_ms, "
      "ci_high_ms, samples_ms, compile_ms, max_error, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const bool timed = e.time.count > 0;
  s.bind(1, session)
      .bind(2, config)
      .bind(3, to_string(e.outcome))
      .bind(4, e.message)
      .bind(5, timed ? std::optional<double>(e.time.median) : std::nullopt)
      .bind(6, timed ? std::optional<double>(e.time.ci_low) : std::nullopt)
      .bind(7, timed ? std::optional<double>(e.time.ci_high) : std::nullopt)
      .bind(8, nlohmann::json(e.samples_ms).dump())
      .bind(9, e.compile_ms)
      .bind(10, e.max_error && std::isfinite(*e.max_error) ? e.max_error : std::nullopt)
      .bind(11, now_utc());
  s.run();
  tx.commit();
}

void Store::end_session(std::int64_t session, const std::string& status) {
  Transaction tx(*connection_);
  Statement s(*connection_, "UPDATE sessions SET status = ?, ended_at = ? WHERE id = ?");
  s.bind(1, status).bind(2, now_utc()).bind(3, session);
  s.run();
  tx.commit();
}

std::int64_t Store::count_evaluations(std::int64_t session) const {
  Statement s(*connection_, "SELECT COUNT(*) FROM evaluations WHERE session_id = ?");
  s.bind(1, session);
  s.step();
  return s.integer(0);
}

}  // namespace ktune::db

namespace ktune::db {
namespace {

constexpr std::string_view kSessionColumns =
    "id, family, problem, backend, device_name, device_fingerprint, strategy, seed, status, "
    "started_at, COALESCE(ended_at, '')";

StoredSession read_session(const Statement& s) {
  return {s.integer(0), s.text(1), s.text(2), s.text(3),
          s.text(4),    s.text(5), s.text(6), static_cast<std::uint64_t>(s.integer(7)),
          s.text(8),    s.text(9), s.text(10)};
}

}  // namespace

std::optional<StoredSession> Store::session(std::int64_t id) const {
  Statement s(*connection_, fmt::format("SELECT {} FROM sessions WHERE id = ?", kSessionColumns));
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_session(s);
}

std::vector<StoredSession> Store::sessions() const {
  Statement s(*connection_, fmt::format("SELECT {} FROM sessions ORDER BY id", kSessionColumns));
  std::vector<StoredSession> list;
  while (s.step())
    list.push_back(read_session(s));
  return list;
}

std::vector<StoredEvaluation> Store::evaluations(std::int64_t session) const {
  Statement s(*connection_,
              "SELECT id, config, outcome, message, samples_ms, compile_ms, max_error "
              "FROM evaluations WHERE session_id = ? ORDER BY id");
  s.bind(1, session);
  std::vector<StoredEvaluation> list;
  while (s.step()) {
    StoredEvaluation stored;
    stored.id = s.integer(0);
    stored.config = s.text(1);
    auto& e = stored.evaluation;
    const auto outcome = outcome_from_string(s.text(2));
    if (!outcome)
      throw Error(fmt::format("database '{}': evaluation {} has an unknown outcome '{}'",
                              connection_->path(), stored.id, s.text(2)));
    e.outcome = *outcome;
    e.message = s.text(3);
    e.samples_ms = nlohmann::json::parse(s.text(4)).get<std::vector<double>>();
    e.time = summarize(e.samples_ms);
    e.compile_ms = s.optional_real(5).value_or(0.0);
    e.max_error = s.optional_real(6);
    list.push_back(std::move(stored));
  }
  return list;
}

void Store::reopen_session(std::int64_t session) {
  Transaction tx(*connection_);
  Statement s(*connection_, "UPDATE sessions SET status = 'running', ended_at = NULL WHERE id = ?");
  s.bind(1, session);
  s.run();
  tx.commit();
}

}  // namespace ktune::db
