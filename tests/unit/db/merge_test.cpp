// Merging shards: identity rows shared, sessions by uid, duplicates skipped and counted.
#include "db/merge.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "db/baselines.hpp"
#include "db/crossovers.hpp"
#include "db/queries.hpp"
#include "db/schema.hpp"
#include "db/transfers.hpp"
#include "db_test_support.hpp"

namespace ktune::db {
namespace {

using test::TempDir;

std::int64_t tune(const std::filesystem::path& path, const DeviceInfo& device,
                  std::vector<std::pair<std::string, double>> results, bool end = true) {
  auto store = Store::open(path);
  const auto id = store.begin_session(test::session_on(device, test::matmul(256, 256, 256)));
  for (const auto& [config, ms] : results) {
    auto e = test::correct(ms);
    e.metrics = {{"gflops", 33.0 / ms, "GFLOP/s", MetricSource::derived}};
    store.record(id, config, e);
  }
  if (end) store.end_session(id, SessionStatus::completed, StopReason::time_budget);
  return id;
}

std::int64_t rows(const std::filesystem::path& path, const std::string& table) {
  auto store = Store::open_existing(path, Store::Access::read_only);
  return test::count_rows(store, "SELECT COUNT(*) FROM " + table);
}

TEST(Merge, ShardsFromTwoMachinesBecomeOneDatabase) {
  TempDir dir;
  tune(dir / "a.db", test::gpu(),
       {{"TS=8,WPT=1", 3.0}, {"TS=16,WPT=1", 2.0}, {"TS=32,WPT=4", 1.0}});
  tune(dir / "b.db", test::gpu("NVIDIA A100-SXM4-40GB", "sm_80"),
       {{"TS=16,WPT=1", 2.5}, {"TS=32,WPT=4", 1.5}});
  auto into = Store::open(dir / "c.db");
  const auto reports = merge_databases(into, {dir / "a.db", dir / "b.db"});
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].sessions_added, 1);
  EXPECT_EQ(reports[0].measurements_added, 3);
  EXPECT_EQ(reports[1].sessions_added, 1);
  EXPECT_EQ(reports[1].measurements_added, 2);
  EXPECT_EQ(reports[1].duplicates, 0);

  EXPECT_EQ(test::count_rows(into, "SELECT COUNT(*) FROM sessions"), 2);
  EXPECT_EQ(test::count_rows(into, "SELECT COUNT(*) FROM measurements"), 5);
  EXPECT_EQ(test::count_rows(into, "SELECT COUNT(*) FROM devices"), 2);
  EXPECT_EQ(test::count_rows(into, "SELECT COUNT(*) FROM problems"), 1);  // shared
  EXPECT_EQ(test::count_rows(into, "SELECT COUNT(*) FROM configurations"), 3);
  EXPECT_EQ(test::count_rows(into, "SELECT COUNT(*) FROM config_values"), 6);
  EXPECT_EQ(test::count_rows(into, "SELECT COUNT(*) FROM metrics"), 5);
  EXPECT_EQ(test::count_rows(into, "SELECT COUNT(*) FROM best"), 2);
  // Both sessions were id 1 in their shards; in the merged database they are 1 and 2.
  const auto sessions = into.sessions();
  EXPECT_EQ(sessions[0].id, 1);
  EXPECT_EQ(sessions[1].id, 2);
  EXPECT_EQ(sessions[1].device_name, "NVIDIA A100-SXM4-40GB");
  EXPECT_EQ(sessions[1].stop_reason, StopReason::time_budget);
  EXPECT_EQ(into.evaluations(2).at(1).evaluation.samples_ms, test::correct(1.5).samples_ms);
  EXPECT_TRUE(check_database(into).empty());
}

// A search on several devices stored which device measured what; the merged database keeps it.
TEST(Merge, TheDeviceOfEachMeasurementComesAlong) {
  TempDir dir;
  {
    auto store = Store::open(dir / "a.db");
    const auto id = store.begin_session(test::session_on(test::gpu(), test::matmul(64, 64, 64)));
    for (int device : {0, 1, 1}) {
      RecordExtras extras;
      extras.device_index = device;
      store.record(id, "TS=" + std::to_string(8 << device) + ",WPT=" + std::to_string(device),
                   test::correct(1.0 + device), extras);
    }
  }
  auto into = Store::open(dir / "c.db");
  merge_databases(into, {dir / "a.db"});
  merge_databases(into, {dir / "a.db"});  // again: nothing twice
  EXPECT_EQ(test::count_rows(into, "SELECT COUNT(*) FROM measurement_devices"), 3);
  EXPECT_EQ(test::count_rows(into,
                             "SELECT COUNT(*) FROM measurement_devices d JOIN measurements m ON "
                             "m.id = d.measurement_id WHERE d.device_index = 1"),
            2);
}

StoredCpuBaseline baseline(std::vector<double> samples) {
  StoredCpuBaseline b;
  b.method = "openblas_sgemm";
  b.library = "OpenBLAS 0.3.21 SKYLAKEX";
  b.libraries = "OpenBLAS 0.3.21 SKYLAKEX";
  b.threads = 2;
  b.samples_ms = std::move(samples);
  return b;
}

TransferTiming copy(CopyDirection direction, double ms) {
  TransferTiming t;
  t.direction = direction;
  t.bytes = 1 << 20;
  t.samples_ms = {ms, ms, ms};
  t.time = summarize(t.samples_ms);
  return t;
}

CrossoverPoint point(std::int64_t n, std::optional<std::int64_t> baseline) {
  CrossoverPoint p;
  p.size = n;
  p.problem = test::matmul(n, n, n);
  p.config = "TS=16,WPT=1";
  p.config_source = "default";
  p.kernel_ms = 0.001 * static_cast<double>(n);
  p.transfer_ms = 0.5;
  p.cpu_ms = 0.002 * static_cast<double>(n);
  p.cpu_baseline_id = baseline;
  return p;
}

// A tune with its CPU baseline (the `decoys` stored before it, so ids differ between shards)
// and its copies, and a crossover sweep on the same device.
void tune_with_baseline(const std::filesystem::path& path, const DeviceInfo& device, std::int64_t n,
                        int decoys, double cpu_ms) {
  auto store = Store::open(path);
  for (int i = 0; i < decoys; ++i)
    insert_cpu_baseline(store, test::matmul(8, 8, 8 + i), baseline({9.0 + i}));
  const auto problem = test::matmul(n, n, n);
  const auto session = store.begin_session(test::session_on(device, problem));
  store.record(session, "TS=16,WPT=1", test::correct(1.0));
  const auto id = insert_cpu_baseline(store, problem, baseline({cpu_ms, cpu_ms + 1}));
  link_cpu_baseline(store, session, id, false);
  const std::vector<TransferTiming> copies{copy(CopyDirection::host_to_device, 0.25),
                                           copy(CopyDirection::device_to_host, 0.125)};
  record_transfers(store, session, copies);
  store.end_session(session, SessionStatus::completed);
  CrossoverRecord sweep;
  sweep.kernel = "matmul";
  sweep.device = device;
  sweep.points = {point(n / 2, std::nullopt), point(n, id)};
  sweep.kernel_crossover = n;
  record_crossover(store, sweep);
}

// Schema 4's tables hang off sessions, problems, devices and each other: every reference is
// remapped to the target's ids, and merging the same shard again adds nothing.
TEST(Merge, BaselinesTransfersAndCrossoversComeAlongWithTheirIdsRemapped) {
  TempDir dir;
  tune_with_baseline(dir / "a.db", test::gpu(), 256, 0, 40.0);
  tune_with_baseline(dir / "b.db", test::gpu("NVIDIA A100-SXM4-40GB", "sm_80"), 128, 2, 7.0);
  auto into = Store::open(dir / "c.db");
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round == 0 ? "first merge" : "the same shards again");
    merge_databases(into, {dir / "a.db", dir / "b.db"});
    EXPECT_EQ(test::count_rows(into, "SELECT COUNT(*) FROM cpu_baselines"), 4);  // 1 + 2 decoys + 1
    EXPECT_EQ(test::count_rows(into, "SELECT COUNT(*) FROM session_baselines"), 2);
    EXPECT_EQ(test::count_rows(into, "SELECT COUNT(*) FROM transfers"), 4);
    EXPECT_EQ(test::count_rows(into, "SELECT COUNT(*) FROM crossovers"), 2);
    EXPECT_EQ(test::count_rows(into, "SELECT COUNT(*) FROM crossover_points"), 4);
    // b's session is 1 in its shard and 2 here; its baseline was 3 there and is 4 here.
    const auto b = session_cpu_baseline(into, 2);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->id, 4);
    EXPECT_EQ(b->problem, test::matmul(128, 128, 128).canonical());
    EXPECT_EQ(b->samples_ms, (std::vector<double>{7.0, 8.0}));
    EXPECT_FALSE(b->reused);
    const auto copies = session_transfers(into, 2);
    ASSERT_EQ(copies.size(), 2u);
    EXPECT_EQ(copies[0].samples_ms, (std::vector<double>{0.25, 0.25, 0.25}));
    // Every point names its own problem, and its baseline that problem's, on its own device.
    EXPECT_EQ(test::count_rows(into,
                               "SELECT COUNT(*) FROM crossover_points p "
                               "JOIN cpu_baselines b ON b.id = p.cpu_baseline_id "
                               "WHERE b.problem_id = p.problem_id"),
              2);
    EXPECT_EQ(test::count_rows(into,
                               "SELECT COUNT(*) FROM crossovers x JOIN devices d "
                               "ON d.id = x.device_id JOIN crossover_points p "
                               "ON p.crossover_id = x.id JOIN problems pr ON pr.id = p.problem_id "
                               "WHERE d.name = 'NVIDIA A100-SXM4-40GB' AND "
                               "pr.shape IN ('m=64,n=64,k=64', 'm=128,n=128,k=128')"),
              2);
    EXPECT_TRUE(check_database(into).empty());
  }
}

TEST(Merge, DuplicatesAreDetectedSkippedAndCounted) {
  TempDir dir;
  tune(dir / "a.db", test::gpu(), {{"TS=8,WPT=1", 3.0}, {"TS=16,WPT=1", 2.0}});
  auto into = Store::open(dir / "c.db");
  merge_databases(into, {dir / "a.db"});
  // The same shard again, and listed twice: nothing new.
  const auto reports = merge_databases(into, {dir / "a.db", dir / "a.db"});
  for (const auto& r : reports) {
    EXPECT_EQ(r.sessions_added, 0);
    EXPECT_EQ(r.sessions_present, 1);
    EXPECT_EQ(r.measurements_added, 0);
    EXPECT_EQ(r.duplicates, 2);
  }
  EXPECT_EQ(test::count_rows(into, "SELECT COUNT(*) FROM measurements"), 2);
  EXPECT_EQ(test::count_rows(into, "SELECT COUNT(*) FROM metrics"), 2);
}

TEST(Merge, AContinuedSessionAddsOnlyWhatIsNew) {
  TempDir dir;
  const auto id = tune(dir / "a.db", test::gpu(), {{"TS=8,WPT=1", 3.0}}, false);
  auto into = Store::open(dir / "c.db");
  merge_databases(into, {dir / "a.db"});
  EXPECT_EQ(into.session(1)->status, SessionStatus::running);
  EXPECT_FALSE(into.session(1)->stop_reason);
  {
    auto a = Store::open(dir / "a.db");
    a.record(id, "TS=16,WPT=1", test::correct(2.0));
    a.end_session(id, SessionStatus::completed, StopReason::stagnation);
  }
  const auto r = merge_databases(into, {dir / "a.db"}).at(0);
  EXPECT_EQ(r.duplicates, 1);
  EXPECT_EQ(r.measurements_added, 1);
  EXPECT_EQ(r.sessions_updated, 1);
  EXPECT_EQ(into.session(1)->status, SessionStatus::completed);
  EXPECT_EQ(into.session(1)->stop_reason, StopReason::stagnation) << "why it stopped comes along";
  EXPECT_EQ(into.count_evaluations(1), 2);
}

TEST(Merge, TwoDifferentContinuationsOfOneSessionAreBothKept) {
  TempDir dir;
  const auto id = tune(dir / "a.db", test::gpu(), {{"TS=8,WPT=1", 3.0}}, false);
  std::filesystem::copy_file(dir / "a.db", dir / "b.db");
  {
    auto a = Store::open(dir / "a.db");
    a.record(id, "TS=16,WPT=1", test::correct(2.0));
  }
  {
    auto b = Store::open(dir / "b.db");
    b.record(id, "TS=32,WPT=4", test::correct(1.0));
    b.record(id, "TS=32,WPT=8", test::correct(1.1));
  }
  auto into = Store::open(dir / "c.db");
  const auto reports = merge_databases(into, {dir / "a.db", dir / "b.db"});
  EXPECT_EQ(reports[1].duplicates, 1);
  EXPECT_EQ(reports[1].renumbered, 1);  // b's position 2 was taken by a's
  EXPECT_EQ(reports[1].measurements_added, 2);
  const auto stored = into.evaluations(1);
  ASSERT_EQ(stored.size(), 4u);
  EXPECT_EQ(stored[1].config, "TS=16,WPT=1");
  EXPECT_EQ(stored[2].config, "TS=32,WPT=8");  // b's position 3 was free
  EXPECT_EQ(stored[3].config, "TS=32,WPT=4");  // b's position 2, moved to the end
  EXPECT_EQ(stored[3].seq, 4);
}

TEST(Merge, OlderSourcesAreMergedFromAMigratedCopyAndLeftAlone) {
  TempDir dir;
  const auto old = dir / "old.db";
  {
    Connection c(old.string());
    c.execute(schema_sql(1));
    c.execute(
        "PRAGMA user_version = 1;"
        "INSERT INTO sessions VALUES (1, '2024-01-01T00:00:00Z', NULL, 'running', 'matmul', "
        "'m=8,n=8,k=8', 'opencl', 'cpu', 'opencl|cpu|x|2|1024|1|2', 'exhaustive', 1, '0.1.0');"
        "INSERT INTO evaluations (session_id, config, outcome, samples_ms, created_at) "
        "VALUES (1, 'TS=8', 'correct', '[1.0]', '2024-01-01T00:00:01Z');");
  }
  const auto size = std::filesystem::file_size(old);
  auto into = Store::open(dir / "c.db");
  const auto r = merge_databases(into, {old}).at(0);
  EXPECT_EQ(r.schema_version, 1);
  EXPECT_EQ(r.measurements_added, 1);
  EXPECT_EQ(into.evaluations(1).at(0).config, "TS=8");
  Connection c(old.string(), Connection::Mode::read_only);
  Statement v(c, "PRAGMA user_version");
  v.step();
  EXPECT_EQ(v.integer(0), 1);
  EXPECT_EQ(std::filesystem::file_size(old), size);
  EXPECT_FALSE(std::filesystem::exists(old.string() + ".v1-backup"));
}

TEST(Merge, BadSourcesAreClearErrors) {
  TempDir dir;
  tune(dir / "a.db", test::gpu(), {{"TS=8,WPT=1", 3.0}});
  auto into = Store::open(dir / "c.db");
  EXPECT_THROW(merge_databases(into, {dir / "c.db"}), UsageError);
  try {
    merge_databases(into, {dir / "a.db", dir / "missing.db"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.db"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("sources before it were merged"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(rows(dir / "c.db", "measurements"), 1);  // a.db stayed merged
  {
    Connection c((dir / "new.db").string());
    c.execute("PRAGMA user_version = 9");
  }
  EXPECT_THROW(merge_databases(into, {dir / "new.db"}), Error);
}

}  // namespace
}  // namespace ktune::db
