// Creating the schema, migrating schema 1 databases, and refusing what is not ours or is broken.
#include "db/schema.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/utf8.hpp"
#include "db/queries.hpp"
#include "db_test_support.hpp"

namespace ktune::db {
namespace {

using test::TempDir;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::int64_t scalar(const Connection& c, const std::string& sql) {
  Statement s(c, sql);
  s.step();
  return s.integer(0);
}

TEST(Schema, NewDatabaseHasEveryTableViewAndSetting) {
  TempDir dir;
  auto store = Store::open(dir / "r.db");
  EXPECT_EQ(store.schema_version(), 4);
  auto& c = store.connection();
  for (const char* name :
       {"devices",        "kernels",       "problems",          "problem_dims",
        "configurations", "config_values", "sessions",          "measurements",
        "metrics",        "finalists",     "schema_migrations", "best",
        "results",        "evaluations",   "cpu_baselines",     "session_baselines",
        "transfers",      "crossovers",    "crossover_points",  "measurement_devices"}) {
    EXPECT_EQ(scalar(c, fmt::format("SELECT COUNT(*) FROM sqlite_master WHERE name = '{}'", name)),
              1)
        << name;
  }
  EXPECT_EQ(scalar(c, "PRAGMA foreign_keys"), 1);
  Statement mode(c, "PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.text(0), "wal");
  EXPECT_EQ(scalar(c, "SELECT version FROM schema_migrations"), 4);
  EXPECT_EQ(scalar(c, "PRAGMA application_id"), Store::kApplicationId);
  // Foreign keys are enforced: a measurement needs its session.
  EXPECT_NE(error_of([&] { store.record(42, "TS=8", test::correct(1)); }).find("no session 42"),
            std::string::npos);
  EXPECT_THROW(c.execute("INSERT INTO problem_dims VALUES (99, 0, 'm', 1)"), Error);
}

TEST(Schema, EveryConnectionCommitsDurablyAndWaitsForOtherWriters) {
  // docs/DATABASE.md: commits survive power loss (synchronous = FULL, 2) and a writer waits up to
  // 60 s for another one's lock.
  TempDir dir;
  { Store::open(dir / "r.db"); }
  for (auto access : {Store::Access::read_write, Store::Access::read_only}) {
    auto store = Store::open_existing(dir / "r.db", access);
    EXPECT_EQ(scalar(store.connection(), "PRAGMA synchronous"), 2);
    EXPECT_EQ(scalar(store.connection(), "PRAGMA busy_timeout"), 60'000);
  }
  auto created = Store::open(dir / "other.db");
  EXPECT_EQ(scalar(created.connection(), "PRAGMA synchronous"), 2);
  EXPECT_EQ(scalar(created.connection(), "PRAGMA busy_timeout"), 60'000);
}

TEST(Schema, OpeningTwiceChangesNothing) {
  TempDir dir;
  { auto store = Store::open(dir / "r.db"); }
  auto store = Store::open(dir / "r.db");
  EXPECT_EQ(scalar(store.connection(), "SELECT COUNT(*) FROM schema_migrations"), 1);
  EXPECT_TRUE(store.migration_backup().empty());
}

// A schema 1 database exactly as the first ktune wrote it.
void write_v1(const std::filesystem::path& path) {
  Connection c(path.string());
  Statement wal(c, "PRAGMA journal_mode = WAL");
  wal.step();
  c.execute(schema_sql(1));
  c.execute("PRAGMA user_version = 1");
  DeviceInfo d = test::gpu();
  d.backend = "opencl";
  d.name = "pthread-skylake";
  d.architecture = "CPU OpenCL 3.0";
  d.compute_units = 2;
  d.global_memory_bytes = 1 << 30;
  d.driver_version = "5.0";
  d.runtime_version = "OpenCL 3.0 PoCL";
  Statement s(c,
              "INSERT INTO sessions (id, started_at, ended_at, status, family, problem, backend, "
              "device_name, device_fingerprint, strategy, seed, tool_version) "
              "VALUES (?, ?, ?, ?, 'matmul', ?, ?, ?, ?, 'exhaustive', ?, '0.1.0')");
  s.bind(1, 3)
      .bind(2, "2024-01-01T10:00:00Z")
      .bind(3, "2024-01-01T10:05:00Z")
      .bind(4, "completed")
      .bind(5, "m=64,n=48,k=40")
      .bind(6, d.backend)
      .bind(7, d.name)
      .bind(8, d.fingerprint())
      .bind(9, 11);
  s.run();
  s.reset();
  s.bind(1, 4)
      .bind(2, "2024-01-02T10:00:00Z")
      .bind(3, nullptr)
      .bind(4, "running")
      .bind(5, "m=8,n=8,k=8")
      .bind(6, d.backend)
      .bind(7, d.name)
      .bind(8, d.fingerprint())
      .bind(9, 1);
  s.run();
  Statement e(c,
              "INSERT INTO evaluations (id, session_id, config, outcome, message, median_ms, "
              "ci_low_ms, ci_high_ms, samples_ms, compile_ms, max_error, created_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  auto add = [&](int id, int session, const char* config, const char* outcome, const char* message,
                 std::optional<double> median, const char* samples) {
    e.reset();
    e.bind(1, id)
        .bind(2, session)
        .bind(3, config)
        .bind(4, outcome)
        .bind(5, message)
        .bind(6, median)
        .bind(7, median ? std::optional<double>(*median * 0.9) : std::nullopt)
        .bind(8, median ? std::optional<double>(*median * 1.1) : std::nullopt)
        .bind(9, samples)
        .bind(10, 12.5)
        .bind(11, median ? std::optional<double>(2e-7) : std::nullopt)
        .bind(12, "2024-01-01T10:01:00Z");
    e.run();
  };
  add(10, 3, "TS=16,WPT=1", "correct", "", 2.0, "[2.1,2.0,1.9]");
  add(11, 3, "TS=32,WPT=8", "compile_error", "error: too many registers", std::nullopt, "[]");
  add(12, 3, "TS=8,WPT=2", "correct", "", 3.0, "[3.0,3.1,2.9]");
  add(13, 4, "TS=8,WPT=1", "timeout", "took 10 s", std::nullopt, "[]");
}

// Schema 3 as ktune wrote it: schema 4 without the tables schema 4 added (only the current
// schema is kept as a file, as for the schemas before it).
void create_schema_3(Connection& c) {
  c.execute(schema_sql(4));
  c.execute(
      "DROP TABLE measurement_devices; DROP TABLE crossover_points; DROP TABLE crossovers; "
      "DROP TABLE transfers; DROP TABLE session_baselines; DROP TABLE cpu_baselines; "
      "DROP TABLE session_stops;");
}

// A schema 2 database as ktune 0.1 wrote it (schema 3 without what the migration adds): a
// session with two measurements.
void write_v2(const std::filesystem::path& path) {
  Connection c(path.string());
  create_schema_3(c);
  c.execute(
      "DROP VIEW best; DROP VIEW results; DROP VIEW evaluations; DROP INDEX measurements_best;"
      "DROP TABLE finalists; ALTER TABLE measurements DROP COLUMN rank_ms;"
      "CREATE INDEX measurements_best ON measurements (problem_id, device_id, median_ms) "
      "WHERE outcome = 'correct'; PRAGMA application_id = 0; PRAGMA user_version = 2");
  c.execute(
      "INSERT INTO devices (id, fingerprint, backend, name, first_seen) "
      "VALUES (1, 'fp', 'cuda', 'GPU', '2024-01-01T00:00:00Z');"
      "INSERT INTO kernels (id, family) VALUES (1, 'matmul');"
      "INSERT INTO problems (id, family, dtype, shape) VALUES (1, 'matmul', 'f32', 'm=8,n=8,k=8');"
      "INSERT INTO configurations (id, kernel_id, canonical) VALUES (1, 1, 'TS=8'), "
      "(2, 1, 'TS=16');"
      "INSERT INTO sessions (id, uid, kernel_id, problem_id, device_id, strategy, tool_version, "
      "started_at, status) VALUES (1, 'u1', 1, 1, 1, 'auto', '0.1.0', '2024-01-01T00:00:00Z', "
      "'completed');"
      "INSERT INTO measurements (session_id, seq, configuration_id, problem_id, device_id, "
      "outcome, runs, samples_ms, median_ms, created_at) VALUES "
      "(1, 1, 1, 1, 1, 'correct', 1, '[2.0]', 2.0, '2024-01-01T00:00:01Z'), "
      "(1, 2, 2, 1, 1, 'correct', 1, '[1.5]', 1.5, '2024-01-01T00:00:02Z');");
}

TEST(Schema, MigratesSchema2ToRankByTheMedianAndKeepFinalists) {
  TempDir dir;
  const auto path = dir / "v2.db";
  write_v2(path);
  auto store = Store::open(path);
  EXPECT_EQ(store.schema_version(), 4);
  EXPECT_EQ(store.migration_backup(), path.string() + ".v2-backup");
  EXPECT_EQ(
      scalar(store.connection(), "SELECT COUNT(*) FROM measurements WHERE rank_ms = median_ms"), 2);
  EXPECT_EQ(scalar(store.connection(), "SELECT COUNT(*) FROM finalists"), 0);
  EXPECT_EQ(scalar(store.connection(), "PRAGMA application_id"), Store::kApplicationId);
  Statement best(store.connection(), "SELECT config FROM best");
  ASSERT_TRUE(best.step());
  EXPECT_EQ(best.text(0), "TS=16");
  Connection old(path.string() + ".v2-backup", Connection::Mode::read_only);
  EXPECT_EQ(scalar(old, "PRAGMA user_version"), 2);
}

// Schema 4 only adds tables: what was stored stays as it was, the backup keeps version 3; the
// new tables work (the device of each measurement of a search on several devices).
TEST(Schema, MigratesSchema3AfterABackupByAddingTables) {
  TempDir dir;
  const auto path = dir / "v3.db";
  {
    Connection c(path.string());
    create_schema_3(c);
    c.execute(
        fmt::format("PRAGMA application_id = {}; PRAGMA user_version = 3", Store::kApplicationId));
    c.execute(
        "INSERT INTO devices (id, fingerprint, backend, name, first_seen) "
        "VALUES (1, 'fp', 'opencl', 'CPU', '2024-01-01T00:00:00Z');"
        "INSERT INTO kernels (id, family) VALUES (1, 'matmul');"
        "INSERT INTO problems (id, family, dtype, shape) VALUES (1, 'matmul', 'f32', "
        "'m=8,n=8,k=8');"
        "INSERT INTO configurations (id, kernel_id, canonical) VALUES (1, 1, 'TS=8');"
        "INSERT INTO sessions (id, uid, kernel_id, problem_id, device_id, strategy, "
        "tool_version, started_at, status) VALUES (1, 'u1', 1, 1, 1, 'auto', '0.2.0', "
        "'2024-01-01T00:00:00Z', 'completed');"
        "INSERT INTO measurements (session_id, seq, configuration_id, problem_id, device_id, "
        "outcome, runs, samples_ms, median_ms, rank_ms, created_at) VALUES "
        "(1, 1, 1, 1, 1, 'correct', 1, '[2.0]', 2.0, 2.0, '2024-01-01T00:00:01Z');");
  }
  auto store = Store::open(path);
  EXPECT_EQ(store.schema_version(), 4);
  EXPECT_EQ(store.migration_backup(), path.string() + ".v3-backup");
  auto& c = store.connection();
  for (const char* table :
       {"cpu_baselines", "session_baselines", "transfers", "crossovers", "crossover_points"})
    EXPECT_EQ(scalar(c, fmt::format("SELECT COUNT(*) FROM {}", table)), 0) << table;
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM measurements WHERE median_ms = 2.0"), 1);
  EXPECT_EQ(scalar(c, "SELECT MAX(version) FROM schema_migrations"), 4);
  Connection old(path.string() + ".v3-backup", Connection::Mode::read_only);
  EXPECT_EQ(scalar(old, "PRAGMA user_version"), 3);
  EXPECT_EQ(scalar(old, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'cpu_baselines'"), 0);
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'measurement_devices'"), 1);
  const auto session = store.begin_session(test::session_on(test::gpu(), test::matmul(8, 8, 8)));
  RecordExtras on_device_2;
  on_device_2.device_index = 2;
  store.record(session, "TS=8", test::correct(1), on_device_2);
  store.record(session, "TS=16", test::correct(2));
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM measurement_devices WHERE device_index = 2"), 1);
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM measurement_devices"), 1);
}

TEST(Schema, MigratesSchema1AfterABackupAndKeepsEverything) {
  TempDir dir;
  const auto path = dir / "old.db";
  write_v1(path);

  auto store = Store::open(path);
  EXPECT_EQ(store.schema_version(), Store::kSchemaVersion);
  const auto backup = path.string() + ".v1-backup";
  EXPECT_EQ(store.migration_backup(), backup);
  {
    // The backup is the schema 1 database as it was.
    Connection old(backup, Connection::Mode::read_only);
    EXPECT_EQ(scalar(old, "PRAGMA user_version"), 1);
    EXPECT_EQ(scalar(old, "SELECT COUNT(*) FROM evaluations"), 4);
    EXPECT_EQ(scalar(old, "SELECT COUNT(*) FROM sessions"), 2);
  }

  const auto sessions = store.sessions();
  ASSERT_EQ(sessions.size(), 2u);
  const auto& s = sessions[0];
  EXPECT_EQ(s.id, 3);  // ids are kept
  EXPECT_EQ(s.kernel, "matmul");
  EXPECT_EQ(s.problem, "m=64,n=48,k=40");
  EXPECT_EQ(s.backend, "opencl");
  EXPECT_EQ(s.device_name, "pthread-skylake");
  EXPECT_EQ(s.architecture, "CPU OpenCL 3.0");  // recovered from the fingerprint
  EXPECT_EQ(s.strategy, "exhaustive");
  EXPECT_EQ(s.seed, 11u);
  EXPECT_EQ(s.status, SessionStatus::completed);
  EXPECT_EQ(s.started_at, "2024-01-01T10:00:00Z");
  EXPECT_EQ(s.ended_at, "2024-01-01T10:05:00Z");
  EXPECT_EQ(s.origin, Origin::migrated);
  EXPECT_EQ(sessions[1].status, SessionStatus::running);
  EXPECT_TRUE(sessions[1].ended_at.empty());
  EXPECT_EQ(sessions[0].device_id, sessions[1].device_id);  // one device row for both

  const auto evaluations = store.evaluations(3);
  ASSERT_EQ(evaluations.size(), 3u);
  EXPECT_EQ(evaluations[0].id, 10);
  EXPECT_EQ(evaluations[0].seq, 1);
  EXPECT_EQ(evaluations[0].config, "TS=16,WPT=1");
  EXPECT_EQ(evaluations[0].evaluation.samples_ms, (std::vector<double>{2.1, 2.0, 1.9}));
  EXPECT_DOUBLE_EQ(*evaluations[0].evaluation.objective_ms(), 2.0);
  EXPECT_DOUBLE_EQ(evaluations[0].evaluation.compile_ms, 12.5);
  EXPECT_EQ(evaluations[1].evaluation.outcome, Outcome::compile_error);
  EXPECT_EQ(evaluations[1].evaluation.message, "error: too many registers");
  ASSERT_EQ(evaluations[2].params.size(), 2u);
  EXPECT_EQ(evaluations[2].params[0].name, "TS");
  EXPECT_EQ(evaluations[2].params[0].value, 8);
  EXPECT_EQ(store.evaluations(4).at(0).evaluation.outcome, Outcome::timeout);

  auto& c = store.connection();
  // The old columns are still there for the old queries, and sizes are queryable.
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM evaluations WHERE median_ms IS NOT NULL"), 2);
  EXPECT_EQ(scalar(c,
                   "SELECT value FROM problem_dims JOIN problems ON problems.id = problem_id "
                   "WHERE shape = 'm=64,n=48,k=40' AND name = 'n'"),
            48);
  EXPECT_TRUE(check_database(store).empty());
  Statement note(c, "SELECT backup FROM schema_migrations WHERE version = 4");
  ASSERT_TRUE(note.step());
  EXPECT_EQ(note.text(0), backup);

  // New sessions continue after the migrated ones; a resumed session continues its positions.
  store.record(4, "TS=16,WPT=2", test::correct(1.5));
  EXPECT_EQ(store.evaluations(4).back().seq, 2);
  EXPECT_GT(store.begin_session(test::session_on(test::gpu(), test::matmul(8, 8, 8))), 4);
}

TEST(Schema, MigrationHappensOnceAndMigratedCopiesMergeAsOne) {
  TempDir dir;
  write_v1(dir / "a.db");
  std::filesystem::copy_file(dir / "a.db", dir / "b.db");
  std::string uid_a, uid_b;
  {
    auto a = Store::open(dir / "a.db");
    uid_a = a.sessions().at(0).uid;
  }
  {
    auto again = Store::open(dir / "a.db");
    EXPECT_TRUE(again.migration_backup().empty());
    EXPECT_FALSE(std::filesystem::exists(dir / "a.db.v1-backup.2"));
  }
  auto b = Store::open(dir / "b.db");
  uid_b = b.sessions().at(0).uid;
  EXPECT_EQ(uid_a, uid_b);
}

TEST(Schema, ReadOnlyOldDatabaseIsNotMigratedAndSaysSo) {
  TempDir dir;
  write_v1(dir / "old.db");
  const auto before = std::filesystem::file_size(dir / "old.db");
  const auto why =
      error_of([&] { Store::open_existing(dir / "old.db", Store::Access::read_only); });
  EXPECT_NE(why.find("schema 1 of an older ktune and is read-only"), std::string::npos) << why;
  EXPECT_EQ(std::filesystem::file_size(dir / "old.db"), before);
  EXPECT_FALSE(std::filesystem::exists(dir / "old.db.v1-backup"));
}

TEST(Schema, NewerSchemaIsAClearErrorEvenReadOnly) {
  TempDir dir;
  {
    Connection c((dir / "new.db").string());
    c.execute("CREATE TABLE future (x); PRAGMA user_version = 5");
  }
  for (auto access : {Store::Access::read_write, Store::Access::read_only}) {
    const auto why = error_of([&] { Store::open_existing(dir / "new.db", access); });
    EXPECT_NE(why.find("newer ktune (schema 5; this ktune reads up to 4)"), std::string::npos)
        << why;
  }
}

TEST(Schema, AnotherProgramsDatabaseIsLeftAlone) {
  TempDir dir;
  {
    Connection c((dir / "other.db").string());
    c.execute("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me')");
  }
  const auto why = error_of([&] { Store::open(dir / "other.db"); });
  EXPECT_NE(why.find("another program"), std::string::npos) << why;
  Connection c((dir / "other.db").string(), Connection::Mode::read_only);
  EXPECT_EQ(scalar(c, "SELECT COUNT(*) FROM sqlite_master"), 1);
}

TEST(Schema, MissingAndReadOnlyPaths) {
  TempDir dir;
  auto why = error_of([&] { Store::open_existing(dir / "none.db"); });
  EXPECT_NE(why.find("no results database at"), std::string::npos) << why;
  EXPECT_FALSE(std::filesystem::exists(dir / "none.db"));
  why = error_of([&] { Store::open(dir / "no-such-dir" / "r.db"); });
  EXPECT_NE(why.find("does not exist"), std::string::npos) << why;
  // /proc accepts no new files, whoever asks (these tests may run as root).
  why = error_of([&] { Store::open("/proc/ktune-test.db"); });
  EXPECT_NE(why.find("cannot open database '/proc/ktune-test.db'"), std::string::npos) << why;
  why = error_of([&] { Store::open(dir.path()); });
  EXPECT_NE(why.find("is a directory"), std::string::npos) << why;

  // A database opened read-only answers queries and refuses writes with a clear error.
  {
    auto store = Store::open(dir / "r.db");
    const auto id = store.begin_session(test::session_on(test::gpu(), test::matmul(8, 8, 8)));
    store.record(id, "TS=8", test::correct(1.0));
  }
  auto store = Store::open_existing(dir / "r.db", Store::Access::read_only);
  EXPECT_TRUE(store.read_only());
  EXPECT_EQ(store.count_evaluations(1), 1);
  why = error_of([&] { store.record(1, "TS=16", test::correct(1.0)); });
  EXPECT_NE(why.find("is read-only"), std::string::npos) << why;
  EXPECT_EQ(store.count_evaluations(1), 1);
}

// Stores enough measurements to span many pages, and closes the database cleanly.
void fill(const std::filesystem::path& path, int evaluations) {
  auto store = Store::open(path);
  const auto id = store.begin_session(test::session_on(test::gpu(), test::matmul(64, 64, 64)));
  for (int i = 0; i < evaluations; ++i) {
    auto e = test::correct(1.0 + i);
    e.message = std::string(2000, 'x');
    store.record(id, fmt::format("TS={},WPT=1", i), e);
  }
}

// Opens the database and reads everything back: must fail with ktune::Error, never crash.
std::string read_everything(const std::filesystem::path& path) {
  return error_of([&] {
    auto store = Store::open(path);
    for (const auto& s : store.sessions())
      store.evaluations(s.id);
    devices(store);
    auto problems = check_database(store);
    if (!problems.empty()) throw Error("check: " + problems.front());
  });
}

TEST(Schema, TruncatedFileIsAClearErrorNeverACrash) {
  TempDir dir;
  const auto path = dir / "r.db";
  fill(path, 40);
  const auto size = std::filesystem::file_size(path);
  ASSERT_GT(size, 40'000u);
  std::filesystem::resize_file(path, size / 2);
  const auto why = read_everything(path);
  EXPECT_NE(why, "(no error)");
  EXPECT_TRUE(why.find("damaged") != std::string::npos || why.find("check:") != std::string::npos)
      << why;

  // Cut inside the header.
  std::filesystem::resize_file(path, 50);
  const auto header = read_everything(path);
  EXPECT_TRUE(header.find("damaged") != std::string::npos ||
              header.find("not a usable ktune database") != std::string::npos)
      << header;
}

TEST(Schema, OverwrittenPagesAreAClearErrorNeverACrash) {
  TempDir dir;
  const auto path = dir / "r.db";
  fill(path, 40);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 3);
    const std::string garbage(4096 * 4, '\x5a');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  const auto why = read_everything(path);
  EXPECT_NE(why, "(no error)");
  EXPECT_TRUE(why.find("damaged") != std::string::npos || why.find("check:") != std::string::npos)
      << why;
}

TEST(Schema, DamagedSchemaTextGivesAOneLineUtf8Error) {
  // Found by fuzz/database_fuzzer: SQLite's message quotes the damaged schema, bytes and all.
  TempDir dir;
  const auto path = dir / "r.db";
  fill(path, 1);
  {
    Connection c(path.string());
    c.execute("PRAGMA writable_schema = ON");
    c.execute(
        "UPDATE sqlite_master SET sql = 'CREATE TABLE metrics (a) ''' || char(10) || X'FF' || "
        "'''' WHERE name = 'metrics'");
  }
  for (const auto access : {Store::Access::read_only, Store::Access::read_write}) {
    const auto why = error_of([&] {
      auto store = Store::open_existing(path, access);
      store.sessions();
    });
    EXPECT_NE(why.find("is damaged"), std::string::npos) << why;
    EXPECT_EQ(why.find('\n'), std::string::npos) << why;
    EXPECT_FALSE(invalid_utf8_at(why)) << why;
  }
}

}  // namespace
}  // namespace ktune::db

namespace ktune::db {
namespace {

std::string bytes_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

std::string journal_mode(const std::filesystem::path& path) {
  Connection c(path.string(), Connection::Mode::read_only);
  Statement s(c, "PRAGMA journal_mode");
  s.step();
  return s.text(0);
}

// Issue 14.9: another program's file is never changed, not even switched to WAL.
TEST(OpeningRule, AnotherProgramsDatabaseKeepsItsJournalMode) {
  TempDir dir;
  const auto path = dir / "other.db";
  {
    Connection c(path.string());
    c.execute("CREATE TABLE foo (x)");
  }
  ASSERT_EQ(journal_mode(path), "delete");
  const auto before = bytes_of(path);
  for (auto access : {Store::Access::read_write, Store::Access::read_only}) {
    const auto why = error_of([&] { Store::open_existing(path, access); });
    EXPECT_NE(why.find("another program"), std::string::npos) << why;
  }
  EXPECT_NE(error_of([&] { Store::open(path); }).find("another program"), std::string::npos);
  EXPECT_EQ(journal_mode(path), "delete");
  EXPECT_EQ(bytes_of(path), before);
}

// A file that SQLite reads but whose application_id is another program's.
TEST(OpeningRule, AnotherApplicationIdIsRefused) {
  TempDir dir;
  const auto path = dir / "other.db";
  {
    Connection c(path.string());
    c.execute("PRAGMA application_id = 1234; PRAGMA user_version = 3");
  }
  const auto before = bytes_of(path);
  const auto why = error_of([&] { Store::open(path); });
  EXPECT_NE(why.find("another program"), std::string::npos) << why;
  EXPECT_EQ(bytes_of(path), before);
}

// Issue 14.3: a database that fails quick_check is never written, however it is opened.
TEST(OpeningRule, ADamagedDatabaseIsNeverWritten) {
  TempDir dir;
  const auto path = dir / "c.db";
  fill(path, 40);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40'000);
    const std::string garbage(1024, '\x5a');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  const auto before = bytes_of(path);
  const auto why = error_of([&] {
    auto store = Store::open(path);
    store.begin_session(test::session_on(test::gpu(), test::matmul(64, 64, 64)));
  });
  EXPECT_NE(why.find("is damaged"), std::string::npos) << why;
  EXPECT_EQ(why.find('\n'), std::string::npos) << why;
  EXPECT_EQ(bytes_of(path), before);
}

// Issue 14.12: opening an empty file to read it (export, queries) gives it no schema.
TEST(OpeningRule, AnEmptyFileOpenedToReadStaysEmpty) {
  TempDir dir;
  const auto path = dir / "e.db";
  std::ofstream(path).close();
  const auto why = error_of([&] { Store::open_existing(path, Store::Access::read_write); });
  EXPECT_NE(why.find("holds no ktune results"), std::string::npos) << why;
  EXPECT_EQ(std::filesystem::file_size(path), 0u);
}

}  // namespace
}  // namespace ktune::db
