#include "db/store.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/utf8.hpp"
#include "db/catalog.hpp"
#include "db/ids.hpp"
#include "db/json.hpp"
#include "db/measurement_reader.hpp"
#include "db/samples_text.hpp"
#include "db/sqlite.hpp"
#include "db/store_rows.hpp"

namespace ktune::db {
namespace {

std::optional<double> finite(std::optional<double> value) {
  return value && std::isfinite(*value) ? value : std::nullopt;
}
// Zero means "not known" for these (Evaluation's defaults): stored as NULL.
std::optional<double> positive(double value) {
  return value > 0 && std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}
std::optional<std::int64_t> widen(const std::optional<int>& value) {
  return value ? std::optional<std::int64_t>(*value) : std::nullopt;
}

std::string settings_json(const std::map<std::string, std::string>& settings) {
  return nlohmann::json(settings).dump();
}

std::map<std::string, std::string> settings_from_json(const std::string& text) {
  try {
    auto doc = nlohmann::json::parse(text);
    std::map<std::string, std::string> settings;
    for (const auto& [key, value] : doc.items())
      settings[key] = value.is_string() ? value.get<std::string>() : value.dump();
    return settings;
  } catch (const nlohmann::json::exception&) {
    return {};
  }
}

std::optional<std::uint64_t> unsigned_column(const Statement& s, int column) {
  auto v = s.optional_integer(column);
  return v ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(*v)) : std::nullopt;
}

std::filesystem::path checked_parent(const std::filesystem::path& path, bool create_directories) {
  if (!path.has_parent_path()) return {};
  const auto parent = path.parent_path();
  if (create_directories) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec)
      throw Error(fmt::format("cannot create the database directory '{}': {}", parent.string(),
                              ec.message()));
  } else if (std::error_code ec; !std::filesystem::is_directory(parent, ec)) {
    throw Error(fmt::format("cannot open database '{}': directory '{}' does not exist",
                            path.string(), parent.string()));
  }
  return parent;
}

}  // namespace

Store::Store(std::unique_ptr<Connection> connection)
    : connection_(std::move(connection)),
      statements_(std::make_unique<StatementCache>(*connection_)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

std::optional<std::string> unusable_database_path(const std::filesystem::path& path,
                                                  bool must_exist) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) return ec.message();
  if (std::filesystem::is_directory(status)) return std::string("it is a directory");
  if (must_exist && !std::filesystem::exists(status))
    return ec ? ec.message() : std::string("no such file");
  if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
    return std::string("it is not a regular file");
  return std::nullopt;
}

Store Store::open(const std::filesystem::path& path, bool create_directories) {
  if (auto why = unusable_database_path(path, false))
    throw Error(fmt::format("cannot open database '{}': {}", printable(path.string()), *why));
  checked_parent(path, create_directories);
  Store store(std::make_unique<Connection>(path.string()));
  store.prepare_schema();
  return store;
}

Store Store::open_existing(const std::filesystem::path& path, Access access) {
  if (auto why = unusable_database_path(path, true))
    throw Error(fmt::format("no results database at '{}': {} (tuning or importing creates one)",
                            printable(path.string()), *why));
  Store store(std::make_unique<Connection>(path.string(), access == Access::read_only
                                                              ? Connection::Mode::read_only
                                                              : Connection::Mode::read_write));
  store.create_if_empty_ = false;
  store.prepare_schema();
  return store;
}

Store Store::open_in_memory() {
  Store store(std::make_unique<Connection>(":memory:"));
  store.prepare_schema();
  return store;
}

const std::string& Store::path() const {
  return connection_->path();
}
bool Store::read_only() const {
  return connection_->read_only();
}

int Store::schema_version() const {
  Statement s(*connection_, "PRAGMA user_version");
  s.step();
  return static_cast<int>(s.integer(0));
}

std::int64_t Store::insert_session(const SessionRow& row) {
  auto& c = *connection_;
  auto& st = *statements_;
  const auto& r = row.record;
  Problem problem = r.problem;
  if (problem.kernel.empty()) problem.kernel = r.kernel;
  const auto kernel = catalog::kernel_id(st, c, r.kernel, r.variant, r.source_hash);
  const auto problem_id = catalog::problem_id(st, c, problem);
  const auto device = catalog::device_id(st, c, r.device, row.device_fingerprint, row.started_at);
  auto insert = st.get(
      "INSERT INTO sessions (id, uid, kernel_id, problem_id, device_id, origin, source, strategy, "
      "seed, budget_evaluations, budget_seconds, space_size, settings, command, host, "
      "tool_version, started_at, ended_at, status) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  auto to_signed = [](const std::optional<std::uint64_t>& v) {
    return v ? std::optional<std::int64_t>(static_cast<std::int64_t>(*v)) : std::nullopt;
  };
  insert->bind(1, row.id)
      .bind(2, row.uid)
      .bind(3, kernel)
      .bind(4, problem_id)
      .bind(5, device)
      .bind(6, enum_name(row.origin))
      .bind(7, row.source)
      .bind(8, r.strategy)
      .bind(9, static_cast<std::int64_t>(r.seed))
      .bind(10, to_signed(r.budget_evaluations))
      .bind(11, finite(r.budget_seconds))
      .bind(12, to_signed(r.space_size))
      .bind(13, settings_json(r.settings))
      .bind(14, r.command)
      .bind(15, r.host)
      .bind(16, r.tool_version)
      .bind(17, row.started_at)
      .bind(18, row.ended_at)
      .bind(19, enum_name(row.status));
  insert->run();
  return c.last_insert_id();
}

std::int64_t Store::begin_session(const SessionRecord& session) {
  SessionRecord record = session;
  if (record.host.empty()) record.host = host_name();
  Transaction tx(*connection_);
  const auto id = insert_session(
      {record, random_uid(), Origin::tune, "", now_utc(), {}, SessionStatus::running});
  tx.commit();
  return id;
}

std::int64_t Store::insert_measurement(const MeasurementRow& row) {
  auto& c = *connection_;
  auto& st = *statements_;
  std::int64_t kernel = 0, problem = 0, device = 0;
  {
    auto s = st.get("SELECT kernel_id, problem_id, device_id FROM sessions WHERE id = ?");
    s->bind(1, row.session);
    if (!s->step())
      throw Error(
          fmt::format("database '{}': no session {} to record into", c.path(), row.session));
    kernel = s->integer(0);
    problem = s->integer(1);
    device = s->integer(2);
  }
  const auto config = catalog::configuration_id(st, c, kernel, row.config, row.extras.params);
  std::int64_t seq = 0;
  if (row.seq) {
    seq = *row.seq;
  } else {
    auto s = st.get("SELECT COALESCE(MAX(seq), 0) + 1 FROM measurements WHERE session_id = ?");
    s->bind(1, row.session);
    s->step();
    seq = s->integer(0);
  }
  const auto& e = row.evaluation;
  Summary time = e.time;
  if (time.count == 0 && !e.samples_ms.empty()) time = summarize(e.samples_ms);
  const bool timed = time.count > 0;
  auto timing = [&](double value) {
    return timed ? finite(std::optional<double>(value)) : std::nullopt;
  };
  const auto& r = e.resources;
  auto insert = st.get(
      "INSERT INTO measurements (id, session_id, seq, configuration_id, problem_id, device_id, "
      "outcome, message, runs, samples_ms, median_ms, ci_low_ms, ci_high_ms, mean_ms, stddev_ms, "
      "min_ms, max_ms, compile_ms, max_error, cost_ms, registers, shared_bytes, stack_bytes, "
      "spill_store_bytes, spill_load_bytes, const_bytes, theoretical_occupancy, "
      "occupancy_limiter, cpu_baseline, cpu_baseline_ms, created_at, rank_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?)");
  insert->bind(1, row.id)
      .bind(2, row.session)
      .bind(3, seq)
      .bind(4, config)
      .bind(5, problem)
      .bind(6, device)
      .bind(7, to_string(e.outcome))
      .bind(8, e.message)
      .bind(9, static_cast<std::int64_t>(e.samples_ms.size()))
      .bind(10, samples_text(e.samples_ms))
      .bind(11, timing(time.median))
      .bind(12, timing(time.ci_low))
      .bind(13, timing(time.ci_high))
      .bind(14, timing(time.mean))
      .bind(15, timing(time.stddev))
      .bind(16, timing(time.min))
      .bind(17, timing(time.max))
      .bind(18, positive(e.compile_ms))
      .bind(19, finite(e.max_error))
      .bind(20, positive(e.cost_ms))
      .bind(21, widen(r.registers))
      .bind(22, widen(r.shared_bytes))
      .bind(23, widen(r.stack_bytes))
      .bind(24, widen(r.spill_store_bytes))
      .bind(25, widen(r.spill_load_bytes))
      .bind(26, widen(r.const_bytes))
      .bind(27, finite(r.theoretical_occupancy))
      .bind(28, r.occupancy_limiter.empty() ? std::optional<std::string>()
                                            : std::optional<std::string>(r.occupancy_limiter))
      .bind(29, row.extras.baseline ? std::optional<std::string>(row.extras.baseline->name)
                                    : std::nullopt)
      .bind(30, row.extras.baseline ? positive(row.extras.baseline->median_ms) : std::nullopt)
      .bind(31, row.created_at)
      .bind(32, timing(time.median));
  insert->run();
  const auto id = c.last_insert_id();
  if (row.extras.device_index) {
    auto device_row =
        st.get("INSERT INTO measurement_devices (measurement_id, device_index) VALUES (?, ?)");
    device_row->bind(1, id).bind(2, static_cast<std::int64_t>(*row.extras.device_index));
    device_row->run();
  }
  if (!e.metrics.empty()) {
    // A metric named twice keeps its last value rather than failing the evaluation.
    auto metric = st.get(
        "INSERT OR REPLACE INTO metrics (measurement_id, name, value, unit, source) "
        "VALUES (?, ?, ?, ?, ?)");
    for (const auto& m : e.metrics) {
      metric->reset();
      metric->bind(1, id)
          .bind(2, m.name)
          .bind(3, finite(m.value))
          .bind(4, m.unit)
          .bind(5, enum_name(m.source));
      metric->run();
    }
  }
  return id;
}

void Store::record(std::int64_t session, const std::string& config, const Evaluation& e) {
  record(session, config, e, RecordExtras{});
}

void Store::record(std::int64_t session, const std::string& config, const Evaluation& e,
                   const RecordExtras& extras) {
  Transaction tx(*connection_);
  insert_measurement({session, config, e, extras, now_utc()});
  tx.commit();
}

void Store::record_finalists(std::int64_t session, const std::vector<FinalistRecord>& finalists,
                             bool remeasured) {
  auto& c = *connection_;
  auto& st = *statements_;
  Transaction tx(c);
  std::int64_t kernel = 0;
  {
    auto s = st.get("SELECT kernel_id FROM sessions WHERE id = ?");
    s->bind(1, session);
    if (!s->step())
      throw Error(fmt::format("database '{}': no session {} to record into", c.path(), session));
    kernel = s->integer(0);
  }
  auto insert = st.get(
      "INSERT OR REPLACE INTO finalists (session_id, rank, configuration_id, remeasured, runs, "
      "samples_ms, median_ms, ci_low_ms, ci_high_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  std::vector<std::int64_t> configurations;
  double slowest = 0;
  for (std::size_t i = 0; i < finalists.size(); ++i) {
    const auto& f = finalists[i];
    const auto configuration = catalog::configuration_id(st, c, kernel, f.config, f.params);
    configurations.push_back(configuration);
    const bool timed = f.time.count > 0;
    auto timing = [&](double value) {
      return timed ? finite(std::optional<double>(value)) : std::nullopt;
    };
    insert->reset();
    insert->bind(1, session)
        .bind(2, static_cast<std::int64_t>(i + 1))
        .bind(3, configuration)
        .bind(4, remeasured ? 1 : 0)
        .bind(5, static_cast<std::int64_t>(f.samples_ms.size()))
        .bind(6, samples_text(f.samples_ms))
        .bind(7, timing(f.time.median))
        .bind(8, timing(f.time.ci_low))
        .bind(9, timing(f.time.ci_high));
    insert->run();
    if (remeasured && timed) {
      Statement rank(c,
                     "UPDATE measurements SET rank_ms = ? WHERE session_id = ? AND "
                     "configuration_id = ? AND outcome = 'correct' AND median_ms IS NOT NULL");
      rank.bind(1, f.time.median).bind(2, session).bind(3, configuration);
      rank.run();
      slowest = std::max(slowest, f.time.median);
    }
  }
  if (remeasured && slowest > 0) {
    // Every other configuration of the session ranks after the finalists.
    Statement rest(c,
                   "UPDATE measurements SET rank_ms = MAX(median_ms, ?) WHERE session_id = ? AND "
                   "outcome = 'correct' AND median_ms IS NOT NULL AND configuration_id NOT IN "
                   "(SELECT value FROM json_each(?))");
    rest.bind(1, std::nextafter(slowest, std::numeric_limits<double>::infinity()))
        .bind(2, session)
        .bind(3, nlohmann::json(configurations).dump());
    rest.run();
  }
  tx.commit();
}

void Store::end_session(std::int64_t session, SessionStatus status,
                        std::optional<StopReason> stop) {
  Transaction tx(*connection_);
  Statement s(*connection_, "UPDATE sessions SET status = ?, ended_at = ? WHERE id = ?");
  s.bind(1, enum_name(status)).bind(2, now_utc()).bind(3, session);
  s.run();
  if (connection_->changes() == 0)
    throw Error(fmt::format("database '{}': no session {} to end", path(), session));
  if (stop) {
    Statement why(*connection_,
                  "INSERT OR REPLACE INTO session_stops (session_id, stop_reason) VALUES (?, ?)");
    why.bind(1, session).bind(2, enum_name(*stop));
    why.run();
  }
  tx.commit();
}

void Store::reopen_session(std::int64_t session) {
  Transaction tx(*connection_);
  Statement s(*connection_, "UPDATE sessions SET status = 'running', ended_at = NULL WHERE id = ?");
  s.bind(1, session);
  s.run();
  if (connection_->changes() == 0)
    throw Error(fmt::format("database '{}': no session {} to resume", path(), session));
  Statement why(*connection_, "DELETE FROM session_stops WHERE session_id = ?");
  why.bind(1, session);
  why.run();
  tx.commit();
}

std::int64_t Store::count_evaluations(std::int64_t session) const {
  auto s = statements_->get("SELECT COUNT(*) FROM measurements WHERE session_id = ?");
  s->bind(1, session);
  s->step();
  return s->integer(0);
}

namespace {

constexpr std::string_view kSessionSelect =
    "SELECT s.id, s.uid, k.family, k.variant, k.source_hash, p.shape, p.dtype, d.id, d.name, "
    "d.backend, d.architecture, d.fingerprint, s.strategy, s.seed, s.status, s.origin, s.source, "
    "s.budget_evaluations, s.budget_seconds, s.space_size, s.settings, s.command, s.host, "
    "s.tool_version, s.started_at, COALESCE(s.ended_at, ''), d.driver_version, "
    "d.runtime_version, x.stop_reason "
    "FROM sessions s JOIN kernels k ON k.id = s.kernel_id JOIN problems p ON p.id = s.problem_id "
    "JOIN devices d ON d.id = s.device_id LEFT JOIN session_stops x ON x.session_id = s.id ";

StoredSession read_session(const Statement& s) {
  StoredSession r;
  r.id = s.integer(0);
  r.uid = s.text(1);
  r.kernel = s.text(2);
  r.variant = s.text(3);
  r.source_hash = s.text(4);
  r.problem = s.text(5);
  r.dtype = s.text(6);
  r.device_id = s.integer(7);
  r.device_name = s.text(8);
  r.backend = s.text(9);
  r.architecture = s.text(10);
  r.device_fingerprint = s.text(11);
  r.strategy = s.text(12);
  r.seed = static_cast<std::uint64_t>(s.integer(13));
  r.status = enum_from_name<SessionStatus>(s.text(14)).value_or(SessionStatus::failed);
  r.origin = enum_from_name<Origin>(s.text(15)).value_or(Origin::tune);
  r.source = s.text(16);
  r.budget_evaluations = unsigned_column(s, 17);
  r.budget_seconds = s.optional_real(18);
  r.space_size = unsigned_column(s, 19);
  r.settings = settings_from_json(s.text(20));
  r.command = s.text(21);
  r.host = s.text(22);
  r.tool_version = s.text(23);
  r.started_at = s.text(24);
  r.ended_at = s.text(25);
  r.driver_version = s.text(26);
  r.runtime_version = s.text(27);
  if (!s.is_null(28)) r.stop_reason = enum_from_name<StopReason>(s.text(28));
  return r;
}

}  // namespace

std::optional<StoredSession> Store::session(std::int64_t id) const {
  Statement s(*connection_, fmt::format("{} WHERE s.id = ?", kSessionSelect));
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_session(s);
}

std::vector<StoredSession> Store::sessions() const {
  Statement s(*connection_, fmt::format("{} ORDER BY s.id", kSessionSelect));
  std::vector<StoredSession> list;
  while (s.step())
    list.push_back(read_session(s));
  return list;
}

std::vector<StoredMeasurement> Store::evaluations(std::int64_t session) const {
  Statement s(*connection_, MeasurementReader::select("WHERE m.session_id = ? ORDER BY m.seq"));
  s.bind(1, session);
  std::vector<StoredMeasurement> list;
  read_measurements(*connection_, s, [&](StoredMeasurement&& m) { list.push_back(std::move(m)); });
  return list;
}

std::optional<StoredMeasurement> Store::measurement(std::int64_t id) const {
  Statement s(*connection_, MeasurementReader::select("WHERE m.id = ?"));
  s.bind(1, id);
  std::optional<StoredMeasurement> found;
  read_measurements(*connection_, s, [&](StoredMeasurement&& m) { found = std::move(m); });
  return found;
}

}  // namespace ktune::db
