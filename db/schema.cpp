// Creating the schema, and migrating databases written by older versions of ktune.
#include "db/schema.hpp"

#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "core/utf8.hpp"
#include "db/ids.hpp"
#include "db/json.hpp"
#include "db/samples_text.hpp"
#include "db/sqlite.hpp"
#include "db/store.hpp"
#include "db/store_rows.hpp"

namespace ktune::db {

const std::map<std::string, std::string_view, std::less<>>& embedded_files();  // generated

namespace {

// Long enough for another process's import or merge to finish; a tuner waits rather than fails.
constexpr int kBusyTimeoutMs = 60'000;

// PRAGMA user_version through the C API, so that "not a database" keeps SQLite's own words.
int read_user_version(const Connection& c) {
  sqlite3_stmt* raw = nullptr;
  int status = sqlite3_prepare_v2(c.handle(), "PRAGMA user_version", -1, &raw, nullptr);
  if (status == SQLITE_OK) status = sqlite3_step(raw);
  const int version = status == SQLITE_ROW ? sqlite3_column_int(raw, 0) : 0;
  const std::string why = printable(sqlite3_errmsg(c.handle()));
  sqlite3_finalize(raw);
  if (status == SQLITE_ROW) return version;
  if ((status & 0xff) == SQLITE_CORRUPT)
    throw Error(
        fmt::format("database '{}' is damaged ({}): it was truncated or overwritten; "
                    "restore it from a copy",
                    c.path(), why));
  throw Error(fmt::format("'{}' is not a usable ktune database ({})", c.path(), why));
}

std::int64_t count(const Connection& c, std::string_view sql) {
  Statement s(c, sql);
  s.step();
  return s.integer(0);
}

std::string another_program(const Connection& c, std::string_view why) {
  return fmt::format(
      "'{}' is an SQLite database of another program ({}): ktune leaves it alone; choose "
      "another database",
      c.path(), why);
}

// Whether the file is ktune's, read without writing: its application_id is ktune's (schema 3 and
// later) or unset (older schemas), and a file without a schema version holds no tables.
void check_identity(const Connection& c, int version) {
  const auto id = count(c, "PRAGMA application_id");
  if (id != 0 && id != Store::kApplicationId)
    throw Error(another_program(c, fmt::format("its application_id is {:#x}, not ktune's", id)));
  if (version == 0 &&
      count(c, "SELECT COUNT(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'") > 0)
    throw Error(another_program(c, "it has tables but no ktune schema version"));
}

// SQLite's quick_check, before anything is written into a database opened for writing: a
// damaged file is refused as it is, for its owner to restore (or read with db check).
void check_sound(const Connection& c) {
  const std::string verdict = c.quick_check();
  if (verdict == "ok") return;
  throw Error(
      fmt::format("database '{}' is damaged (quick_check: {}); nothing was written to it: "
                  "restore it from a copy, or see what is left with ktune db check",
                  c.path(), verdict));
}

void note_migration(Connection& c, int version, const std::string& backup) {
  Statement s(
      c,
      "INSERT OR REPLACE INTO schema_migrations (version, applied_at, tool_version, backup) "
      "VALUES (?, ?, ?, ?)");
  s.bind(1, version).bind(2, now_utc()).bind(3, std::string_view(KTUNE_VERSION)).bind(4, backup);
  s.run();
}

// A consistent copy of the database next to it, made before a migration touches anything.
std::string back_up(const std::string& path, int version) {
  std::string backup = fmt::format("{}.v{}-backup", path, version);
  for (int n = 2; std::filesystem::exists(backup); ++n)
    backup = fmt::format("{}.v{}-backup.{}", path, version, n);
  try {
    Connection reader(path, Connection::Mode::read_only);
    Statement s(reader, "VACUUM INTO ?");
    s.bind(1, backup);
    s.run();
  } catch (const Error& e) {
    throw Error(
        fmt::format("not migrating '{}' from schema {}: cannot make the backup copy '{}' "
                    "first ({})",
                    path, version, backup, e.what()));
  }
  return backup;
}

// Schema 1 wrote the device fingerprint as backend|name|architecture|units|memory|driver|runtime
// and kept only the backend and name as columns: recover the rest from the fingerprint.
DeviceInfo device_from_v1(const std::string& backend, const std::string& name,
                          const std::string& fingerprint) {
  DeviceInfo d;
  d.backend = backend;
  d.name = name;
  const auto parts = split(fingerprint, '|');
  if (parts.size() == 7 && parts[0] == backend && parts[1] == name) {
    try {
      d.architecture = parts[2];
      d.compute_units = std::stoi(parts[3]);
      d.global_memory_bytes = std::stoull(parts[4]);
      d.driver_version = parts[5];
      d.runtime_version = parts[6];
    } catch (const std::exception&) {
      d = DeviceInfo{};
      d.backend = backend;
      d.name = name;
    }
  }
  return d;
}

}  // namespace

std::string_view schema_sql(int version) {
  return embedded_files().at(fmt::format("db/schema_v{}.sql", version));
}

void Store::prepare_schema() {
  auto& c = *connection_;
  c.set_busy_timeout(kBusyTimeoutMs);
  const int version = read_user_version(c);
  if (version > kSchemaVersion)
    throw Error(
        fmt::format("database '{}' was written by a newer ktune (schema {}; this ktune "
                    "reads up to {}): upgrade ktune",
                    c.path(), version, kSchemaVersion));
  if (version < 0)
    throw Error(fmt::format("'{}' is not a ktune database (schema version {})", c.path(), version));
  // The one rule for opening a database: nothing is written (not even the journal mode) until
  // the file is known to be ktune's and sound.
  check_identity(c, version);
  const bool writable = !c.read_only();
  if (writable && version > 0) check_sound(c);
  c.execute("PRAGMA foreign_keys = ON");
  // Set, not left to how SQLite was built: a committed evaluation survives power loss.
  c.execute("PRAGMA synchronous = FULL");
  // 32 MiB of page cache (SQLite's default is 2 MiB): lookups in a large database stay in it.
  c.execute("PRAGMA cache_size = -32768");
  if (version == 0 && !create_if_empty_)
    throw Error(fmt::format("'{}' holds no ktune results{}", c.path(),
                            writable ? "" : " (and is read-only here)"));
  if (writable && c.path() != ":memory:") {
    Statement wal(c, "PRAGMA journal_mode = WAL");
    wal.step();
  }
  if (version == kSchemaVersion) return;
  if (!writable) {
    throw Error(
        fmt::format("database '{}' has schema {} of an older ktune and is read-only here: open it "
                    "once with write access (e.g. ktune db info) to migrate it",
                    c.path(), version));
  }
  if (version == 0) create_schema();
  if (schema_version() == 1) migrate_from_v1();
  if (const int v = schema_version(); v == 2 || v == 3) migrate_in_place(v);
}

void Store::create_schema() {
  auto& c = *connection_;
  Transaction tx(c);
  if (schema_version() != 0) {  // another process created it meanwhile
    tx.commit();
    return;
  }
  if (count(c, "SELECT COUNT(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'") > 0)
    throw Error(another_program(c, "it has tables but no ktune schema version"));
  c.execute(schema_sql(kSchemaVersion));
  note_migration(c, kSchemaVersion, "");
  c.execute(fmt::format("PRAGMA application_id = {}; PRAGMA user_version = {}", kApplicationId,
                        kSchemaVersion));
  tx.commit();
}

// Schema 1 had two tables: sessions (with the family, problem text and device fingerprint
// inline) and evaluations (config text, outcome, timing, samples). Everything is carried over,
// keeping session and evaluation ids, in one transaction after a backup copy.
void Store::migrate_from_v1() {
  auto& c = *connection_;
  Transaction tx(c);
  if (schema_version() != 1) {  // another process migrated it meanwhile
    tx.commit();
    return;
  }
  const std::string backup = c.path() == ":memory:" ? "" : back_up(c.path(), 1);
  c.execute(
      "ALTER TABLE evaluations RENAME TO v1_evaluations;"
      "ALTER TABLE sessions RENAME TO v1_sessions;"
      "DROP INDEX IF EXISTS evaluations_by_session;");
  c.execute(schema_sql(Store::kSchemaVersion));

  Statement sessions(c,
                     "SELECT id, started_at, ended_at, status, family, problem, backend, "
                     "device_name, device_fingerprint, strategy, seed, tool_version "
                     "FROM v1_sessions ORDER BY id");
  while (sessions.step()) {
    SessionRecord r;
    r.kernel = sessions.text(4);
    const std::string shape = sessions.text(5);
    r.problem.kernel = r.kernel;
    try {
      r.problem.dims = parse_shape_text(shape);
    } catch (const UsageError&) {
      r.problem.dims = {{shape, 0}};  // keeps the text when it is not NAME=SIZE,...
    }
    r.device = device_from_v1(sessions.text(6), sessions.text(7), sessions.text(8));
    r.strategy = sessions.text(9);
    r.seed = static_cast<std::uint64_t>(sessions.integer(10));
    r.tool_version = sessions.text(11);
    const auto id = sessions.integer(0);
    const std::string started = sessions.text(1);
    // Deterministic, so two copies of one old database migrated apart still merge as one.
    const std::string uid =
        "v1-" + hash_text(fmt::format("{}|{}|{}|{}|{}|{}|{}", id, started, r.kernel, shape,
                                      sessions.text(8), r.strategy, r.seed));
    std::optional<std::string> ended;
    if (!sessions.is_null(2)) ended = sessions.text(2);
    const auto status =
        enum_from_name<SessionStatus>(sessions.text(3)).value_or(SessionStatus::failed);
    insert_session({r, uid, Origin::migrated, "", started, ended, status, id, sessions.text(8)});
  }

  Statement evaluations(c,
                        "SELECT id, session_id, config, outcome, message, median_ms, ci_low_ms, "
                        "ci_high_ms, samples_ms, compile_ms, max_error, created_at "
                        "FROM v1_evaluations ORDER BY session_id, id");
  std::int64_t session = -1, seq = 0;
  const RecordExtras no_extras;
  while (evaluations.step()) {
    if (evaluations.integer(1) != session) {
      session = evaluations.integer(1);
      seq = 0;
    }
    Evaluation e;
    const auto outcome = outcome_from_string(evaluations.text(3));
    e.outcome = outcome.value_or(Outcome::invalid);
    e.message = outcome ? evaluations.text(4)
                        : fmt::format("schema 1 outcome '{}': {}", evaluations.text(3),
                                      evaluations.text(4));
    e.samples_ms = samples_from_text(evaluations.text(8), NonNumbers::skip);
    e.time = summarize(e.samples_ms);
    if (e.time.count > 0) {
      // Keep exactly what schema 1 reported.
      e.time.median = evaluations.optional_real(5).value_or(e.time.median);
      e.time.ci_low = evaluations.optional_real(6).value_or(e.time.ci_low);
      e.time.ci_high = evaluations.optional_real(7).value_or(e.time.ci_high);
    }
    e.compile_ms = evaluations.optional_real(9).value_or(0.0);
    e.max_error = evaluations.optional_real(10);
    const std::string config = evaluations.text(2);
    insert_measurement(
        {session, config, e, no_extras, evaluations.text(11), evaluations.integer(0), ++seq});
  }
  c.execute("DROP TABLE v1_evaluations; DROP TABLE v1_sessions;");
  note_migration(c, kSchemaVersion, backup);
  c.execute(fmt::format("PRAGMA application_id = {}; PRAGMA user_version = {}", kApplicationId,
                        kSchemaVersion));
  tx.commit();
  migration_backup_ = backup;
}

// Schemas 2 and 3 become 4 by altering them in place after a backup copy. Schema 2 had no
// finalists and ranked by the search median: its measurements gain rank_ms (their median) and
// the views and index that rank are made again over rank_ms. Schema 4 only adds tables (the CPU
// baselines, the transfers, the crossover sweeps, the device of each measurement): running the
// current file creates them (and schema 2's finalists), and nothing stored changes.
void Store::migrate_in_place(int from) {
  auto& c = *connection_;
  const std::string backup = back_up(c.path(), from);
  Transaction tx(c);
  if (schema_version() != from) {  // another process migrated it meanwhile
    tx.commit();
    return;
  }
  if (from == 2)
    c.execute(
        "ALTER TABLE measurements ADD COLUMN rank_ms REAL;"
        "UPDATE measurements SET rank_ms = median_ms;"
        "DROP INDEX IF EXISTS measurements_best; DROP VIEW IF EXISTS best; "
        "DROP VIEW IF EXISTS results; DROP VIEW IF EXISTS evaluations;");
  c.execute(schema_sql(kSchemaVersion));
  note_migration(c, kSchemaVersion, backup);
  c.execute(fmt::format("PRAGMA application_id = {}; PRAGMA user_version = {}", kApplicationId,
                        kSchemaVersion));
  tx.commit();
  migration_backup_ = backup;
}

}  // namespace ktune::db
