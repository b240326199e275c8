// CPU baselines in the database: found again only for the same problem, host, thread count and
// library versions; linked to the sessions compared with them.
#include "db/baselines.hpp"

#include <gtest/gtest.h>

#include "db/json.hpp"
#include "db_test_support.hpp"

namespace ktune::db {
namespace {

StoredCpuBaseline measured(std::vector<double> samples, int threads = 2) {
  StoredCpuBaseline b;
  b.method = "openblas_sgemm";
  b.library = "OpenBLAS 0.3.21 SKYLAKEX";
  b.libraries = "OpenBLAS 0.3.21 SKYLAKEX";
  b.threads = threads;
  b.samples_ms = std::move(samples);
  b.gflops = 12.5;
  return b;
}

TEST(CpuBaselines, FoundAgainOnlyForTheSameProblemHostThreadsAndLibraries) {
  auto store = Store::open_in_memory();
  const auto problem = test::matmul(64, 64, 64);
  EXPECT_FALSE(find_cpu_baseline(store, problem, 2, "OpenBLAS 0.3.21 SKYLAKEX"));
  const auto id = insert_cpu_baseline(store, problem, measured({3.0, 2.0, 4.0, 2.5, 3.5}));
  const auto found = find_cpu_baseline(store, problem, 2, "OpenBLAS 0.3.21 SKYLAKEX");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(found->method, "openblas_sgemm");
  EXPECT_EQ(found->threads, 2);
  EXPECT_EQ(found->time.count, 5u);
  EXPECT_DOUBLE_EQ(found->time.median, 3.0);
  EXPECT_EQ(found->samples_ms, (std::vector<double>{3.0, 2.0, 4.0, 2.5, 3.5}));
  EXPECT_DOUBLE_EQ(found->gflops, 12.5);
  EXPECT_FALSE(found->created_at.empty());
  EXPECT_FALSE(find_cpu_baseline(store, problem, 1, "OpenBLAS 0.3.21 SKYLAKEX"));
  EXPECT_FALSE(find_cpu_baseline(store, problem, 2, "OpenBLAS 0.3.26 SKYLAKEX"));
  EXPECT_FALSE(find_cpu_baseline(store, problem, 2, "OpenBLAS 0.3.21 SKYLAKEX", "other-host"));
  EXPECT_FALSE(find_cpu_baseline(store, test::matmul(64, 64, 128), 2, "OpenBLAS 0.3.21 SKYLAKEX"));
  // A newer one of the same key is the one found.
  const auto newer = insert_cpu_baseline(store, problem, measured({1.0}));
  EXPECT_EQ(find_cpu_baseline(store, problem, 2, "OpenBLAS 0.3.21 SKYLAKEX")->id, newer);
}

TEST(CpuBaselines, SessionsKeepTheOneTheyWereComparedWith) {
  auto store = Store::open_in_memory();
  const auto problem = test::matmul(64, 64, 64);
  const auto session = store.begin_session(test::session_on(test::gpu(), problem));
  EXPECT_FALSE(session_cpu_baseline(store, session));
  const auto id = insert_cpu_baseline(store, problem, measured({2.0, 2.0, 2.0}));
  link_cpu_baseline(store, session, id, true);
  link_cpu_baseline(store, session, insert_cpu_baseline(store, problem, measured({9.0})), false);
  const auto b = session_cpu_baseline(store, session);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->id, id);  // the first link stands (a resumed session keeps its baseline)
  EXPECT_TRUE(b->reused);
  EXPECT_EQ(b->problem, problem.canonical());
  const Json j = *b;
  EXPECT_EQ(j["baseline_id"], id);
  EXPECT_EQ(j["time"]["median_ms"], 2.0);
  EXPECT_EQ(j["reused"], true);
}

}  // namespace
}  // namespace ktune::db
