// The report's data model: what it reads of a stored session, the numbers it computes once for
// the page, and the errors for a session that is not there.
#include "report/session_report.hpp"

#include <gtest/gtest.h>

#include "../db/db_test_support.hpp"
#include "core/error.hpp"
#include "db/baselines.hpp"
#include "db/crossovers.hpp"
#include "db/json.hpp"
#include "db/transfers.hpp"
#include "report/report_json.hpp"

namespace ktune::report {
namespace {

using db::test::correct;
using db::test::failed;

// A tuned session on a GPU: the default first (2 ms), a faster one (0.5 ms), a failure, a
// middling one (1 ms); two finalists re-measured; a CPU baseline of 8 ms; copies of 0.25 ms in
// and 0.125 ms out; a crossover sweep of the kernel on the device.
struct Stored {
  db::Store store = db::Store::open_in_memory();
  std::int64_t session = 0;

  Stored() {
    const auto problem = db::test::matmul(256, 256, 256);
    session = store.begin_session(db::test::session_on(db::test::gpu(), problem));
    store.record(session, "BM=64,BN=64", correct(2.0));
    store.record(session, "BM=32,BN=64", correct(0.5));
    store.record(session, "BM=128,BN=128", failed(Outcome::compile_error, "too much shared"));
    store.record(session, "BM=32,BN=32", correct(1.0));
    db::FinalistRecord a{"BM=32,BN=64", {}, {0.49, 0.5, 0.48, 0.5, 0.47, 0.5}, {}};
    a.time = summarize(a.samples_ms);
    db::FinalistRecord b{"BM=32,BN=32", {}, {1.0, 1.1, 0.9, 1.0, 1.05, 0.95}, {}};
    b.time = summarize(b.samples_ms);
    store.record_finalists(session, {a, b}, true);
    store.end_session(session, SessionStatus::completed, StopReason::evaluation_budget);

    db::StoredCpuBaseline cpu;
    cpu.method = "openblas_sgemm";
    cpu.library = "OpenBLAS 0.3.21";
    cpu.libraries = "openblas 0.3.21";
    cpu.threads = 2;
    cpu.samples_ms = {8.0, 8.0, 8.0};
    cpu.gflops = 4.2;
    db::link_cpu_baseline(store, session, db::insert_cpu_baseline(store, problem, cpu), false);

    TransferTiming in{
        CopyDirection::host_to_device, HostMemory::pageable, 524288, {0.25, 0.25}, {}};
    in.time = summarize(in.samples_ms);
    TransferTiming out{CopyDirection::device_to_host, HostMemory::pageable, 262144, {0.125}, {}};
    out.time = summarize(out.samples_ms);
    db::record_transfers(store, session, std::vector<TransferTiming>{in, out});

    db::CrossoverRecord sweep{"matmul", db::test::gpu(), {}, std::int64_t{64}, std::nullopt};
    for (std::int64_t n : {32, 64}) {
      CrossoverPoint p;
      p.size = n;
      p.problem = db::test::matmul(n, n, n);
      p.config = "BM=32,BN=32";
      p.config_source = "default";
      p.kernel_ms = 1.0;
      p.transfer_ms = 0.5;
      p.cpu_ms = n == 32 ? 0.5 : 2.0;
      sweep.points.push_back(p);
    }
    db::record_crossover(store, sweep);
  }
};

TEST(SessionReport, ReadsEverythingStoredAboutTheSession) {
  Stored db;
  const auto r = load_session_report(db.store, db.session);
  EXPECT_EQ(r.summary.session.id, db.session);
  EXPECT_EQ(r.summary.measurements, 4);
  EXPECT_EQ(r.summary.correct, 3);
  ASSERT_EQ(r.evaluations.size(), 4u);
  EXPECT_EQ(r.evaluations[2].evaluation.outcome, Outcome::compile_error);
  ASSERT_TRUE(r.device);
  EXPECT_DOUBLE_EQ(r.device->peak_gflops_fp32, 66'900);
  ASSERT_TRUE(r.cpu_baseline);
  EXPECT_DOUBLE_EQ(r.cpu_baseline->time.median, 8.0);
  EXPECT_EQ(r.transfers.size(), 2u);
  ASSERT_EQ(r.finalists.size(), 2u);
  EXPECT_EQ(r.finalists[0].config, "BM=32,BN=64");
  EXPECT_TRUE(r.finalists[0].remeasured);
  ASSERT_TRUE(r.crossover);
  ASSERT_EQ(r.crossover->points.size(), 2u);
  EXPECT_EQ(r.crossover->points[1].problem.canonical(), "m=64,n=64,k=64");
  EXPECT_EQ(r.crossover->kernel_crossover, 64);
  EXPECT_FALSE(r.crossover->end_to_end_crossover);
  ASSERT_TRUE(r.work);
  EXPECT_DOUBLE_EQ(r.work->flops, 2.0 * 256 * 256 * 256);
  EXPECT_GT(r.work->min_bytes, 0);
}

TEST(SessionReport, HeadlineNumbersAreTheDatabasesBestAgainstTheDefaultAndTheCpu) {
  Stored db;
  const auto r = load_session_report(db.store, db.session);
  const auto& h = r.headline;
  // The best by rank: the re-measured winner, at its search median (as `query sessions`).
  ASSERT_TRUE(h.best_ms);
  EXPECT_DOUBLE_EQ(*h.best_ms, *r.summary.best_ms);
  EXPECT_DOUBLE_EQ(*h.best_ms, 0.5);
  ASSERT_TRUE(h.default_ms);
  EXPECT_DOUBLE_EQ(*h.default_ms, 2.0);
  EXPECT_DOUBLE_EQ(*h.speedup_over_default, 4.0);
  EXPECT_DOUBLE_EQ(*h.speedup_vs_cpu, 16.0);
  EXPECT_DOUBLE_EQ(*h.end_to_end_ms, 0.875);
  EXPECT_DOUBLE_EQ(*h.speedup_vs_cpu_end_to_end, 8.0 / 0.875);
}

TEST(SessionReport, TheVerdictIsTheTunersTestOnTheStoredSamples) {
  Stored db;
  const auto r = load_session_report(db.store, db.session);
  ASSERT_TRUE(r.verdict);
  EXPECT_EQ(r.verdict->test, "sign test over 6 interleaved pairs");
  EXPECT_NEAR(r.verdict->p_value, tuner::sign_test(6, 6), 1e-12);
  EXPECT_FALSE(r.verdict->indistinguishable);
}

TEST(SessionReport, AnImportHasNoDefaultAndNoBaseline) {
  db::Store store = db::Store::open_in_memory();
  RecordedDataset d;
  d.format = "kernel_tuner";
  d.device_name = "Tiny GPU";
  d.kernel_name = "tiny";
  d.problem_size = {64};
  d.params = {{"A", {1, 2}, {}}};
  for (std::int64_t a : {1, 2}) {
    RecordedEntry e;
    e.values = {a};
    e.time_ms = 1.0 + static_cast<double>(a);
    e.times_ms = {*e.time_ms};
    d.entries.push_back(e);
  }
  const db::ImportOptions options;
  const auto id = store.import_dataset(d, options).session;
  const auto r = load_session_report(store, id);
  EXPECT_EQ(r.evaluations.size(), 2u);
  EXPECT_FALSE(r.headline.default_ms);
  EXPECT_FALSE(r.headline.speedup_over_default);
  EXPECT_FALSE(r.headline.speedup_vs_cpu);
  EXPECT_FALSE(r.work);  // not a built-in kernel: no analytic work
  EXPECT_FALSE(r.verdict);
}

TEST(SessionReport, LatestIsTheNewestSession) {
  Stored db;
  const auto second =
      db.store.begin_session(db::test::session_on(db::test::gpu(), db::test::matmul(64, 64, 64)));
  EXPECT_EQ(latest_session(db.store), second);
}

TEST(SessionReport, AnEmptyDatabaseSaysItHoldsNoSessions) {
  db::Store store = db::Store::open_in_memory();
  try {
    latest_session(store);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("holds no sessions yet"), std::string::npos) << e.what();
  }
}

TEST(SessionReport, AnUnknownSessionNamesTheOnesThere) {
  Stored db;
  try {
    load_session_report(db.store, 99);
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("99: no such session in"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("it holds 1 session, ids 1 to 1"), std::string::npos)
        << e.what();
  }
}

TEST(ReportDocument, HoldsEachSessionThroughTheStoredTypesSerialisers) {
  Stored db;
  const auto r = load_session_report(db.store, db.session);
  const Json doc = report_document({r, r}, "results.db");
  EXPECT_EQ(doc["report"]["database"], "results.db");
  ASSERT_EQ(doc["sessions"].size(), 2u);
  const Json& s = doc["sessions"][0];
  EXPECT_EQ(s["session"], Json(r.summary));
  EXPECT_EQ(s["evaluations"].size(), 4u);
  EXPECT_EQ(s["evaluations"][1], Json(r.evaluations[1]));
  EXPECT_EQ(s["best"]["objective_ms"], 0.5);
  EXPECT_EQ(s["best"]["speedup_vs_cpu"], 16.0);
  EXPECT_EQ(s["cpu_baseline"], Json(*r.cpu_baseline));
  EXPECT_EQ(s["verdict"]["finalists"].size(), 2u);
  EXPECT_EQ(s["verdict"]["indistinguishable_from_runner_up"], false);
  EXPECT_EQ(s["crossover"]["kernel_crossover"], 64);
  EXPECT_EQ(s["crossover"]["points"][0], Json(r.crossover->points[0]));
  EXPECT_EQ(s["session"]["stop_reason"], "evaluation_budget");
}

}  // namespace
}  // namespace ktune::report
