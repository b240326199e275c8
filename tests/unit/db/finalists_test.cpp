// The finalists' interleaved re-measurement is stored with the session, and the best
// configuration of the database is the one the tune reported (schema 3: measurements.rank_ms).
#include <gtest/gtest.h>

#include "db/lookup.hpp"
#include "db/queries.hpp"
#include "db/session_recorder.hpp"
#include "db/sqlite.hpp"
#include "tests/unit/db/db_test_support.hpp"

namespace ktune::db {
namespace {

Summary summary_of(double ms) {
  const std::vector<double> samples{ms, ms, ms};
  return summarize(samples);
}

// A session whose search ranked A < B < C < D by their medians, and whose finalists A, B, C,
// re-measured interleaved, came out B first (A's search median was its luckiest sample).
struct Fixture {
  Store store = Store::open_in_memory();
  std::int64_t session = 0;
  Fixture() {
    session = store.begin_session(test::session_on(test::gpu(), test::matmul(64, 64, 64)));
    store.record(session, "TS=8", test::correct(1.00));
    store.record(session, "TS=16", test::correct(1.01));
    store.record(session, "TS=32", test::correct(1.02));
    store.record(session, "TS=64", test::correct(1.03));
  }
  void remeasure(bool fresh) {
    store.record_finalists(session,
                           {{"TS=16", {}, {1.10, 1.10, 1.10}, summary_of(1.10)},
                            {"TS=8", {}, {1.12, 1.12, 1.12}, summary_of(1.12)},
                            {"TS=32", {}, {1.15, 1.15, 1.15}, summary_of(1.15)}},
                           fresh);
  }
  std::string best() const {
    LookupRequest request;
    request.kernel = "matmul";
    request.problem = test::matmul(64, 64, 64);
    return Lookup(store).best(request).config;
  }
};

TEST(Finalists, AreStoredWithTheirRank) {
  Fixture f;
  f.remeasure(true);
  Statement s(f.store.connection(),
              "SELECT f.rank, c.canonical, f.remeasured, f.runs, f.median_ms FROM finalists f "
              "JOIN configurations c ON c.id = f.configuration_id ORDER BY f.rank");
  std::vector<std::string> order;
  while (s.step()) {
    order.push_back(s.text(1));
    EXPECT_EQ(s.integer(2), 1);
    EXPECT_EQ(s.integer(3), 3);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"TS=16", "TS=8", "TS=32"}));
}

TEST(Finalists, TheBestIsTheWinnerOfTheReMeasurementNotTheLuckiestSearchSample) {
  Fixture f;
  EXPECT_EQ(f.best(), "TS=8") << "before the verdict, the search median decides";
  f.remeasure(true);
  EXPECT_EQ(f.best(), "TS=16");
  // The re-measurement was slower than every search median (the machine got busier): the
  // configurations that were not finalists still rank after them.
  const auto top = top_configurations(f.store, "matmul", test::matmul(64, 64, 64), {}, 4);
  ASSERT_EQ(top.size(), 4u);
  EXPECT_EQ(top[0].config, "TS=16");
  EXPECT_EQ(top[1].config, "TS=8");
  EXPECT_EQ(top[2].config, "TS=32");
  EXPECT_EQ(top[3].config, "TS=64");
  const auto sessions = session_summaries(f.store, {});
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].best_config, "TS=16");
  EXPECT_EQ(test::count_rows(f.store, "SELECT COUNT(*) FROM best WHERE config = 'TS=16'"), 1);
}

TEST(Finalists, ComparedOnTheirSearchSamplesTheyDoNotChangeTheRanking) {
  Fixture f;
  f.remeasure(false);
  EXPECT_EQ(f.best(), "TS=8");
  EXPECT_EQ(test::count_rows(f.store, "SELECT COUNT(*) FROM finalists"), 3);
}

TEST(Finalists, TheSessionRecorderStoresWhatTheTunerTellsIt) {
  auto store = Store::open_in_memory();
  Space space({Param::integer("TS", {8, 16, 32}, 8)});
  SessionRecorder recorder(store);
  tuner::SessionPlan plan;
  plan.kernel = "matmul";
  plan.problem = test::matmul(64, 64, 64);
  plan.device = test::gpu();
  plan.strategy = "exhaustive";
  plan.space_size = 3;
  plan.tool_version = "test";
  recorder.session_begun(plan);
  for (auto [ts, ms] : {std::pair{8, 1.0}, std::pair{16, 1.01}, std::pair{32, 1.5}})
    recorder.evaluation_recorded(space, space.parse_config("TS=" + std::to_string(ts)),
                                 test::correct(ms), 0);
  const std::vector<tuner::FinalistRun> runs{
      {space.parse_config("TS=16"), {0.9, 0.9}, summary_of(0.9)},
      {space.parse_config("TS=8"), {0.95, 0.95}, summary_of(0.95)}};
  recorder.finalists_measured(space, runs, true);
  recorder.session_ended(SessionStatus::completed, StopReason::space_exhausted);
  const auto stored = store.session(recorder.session());
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->status, SessionStatus::completed);
  EXPECT_EQ(stored->space_size, 3u);
  const auto measurements = store.evaluations(recorder.session());
  ASSERT_EQ(measurements.size(), 3u);
  EXPECT_EQ(measurements[1].params.at(0).kind, ParamValue::Kind::integer);
  LookupRequest request;
  request.kernel = "matmul";
  request.problem = test::matmul(64, 64, 64);
  EXPECT_EQ(Lookup(store).best(request).config, "TS=16");
}

}  // namespace
}  // namespace ktune::db
