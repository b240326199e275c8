#include "db/store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "db/json.hpp"
#include "db/sqlite.hpp"

namespace ktune::db {
namespace {

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("ktune-db-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

SessionRecord session() {
  DeviceInfo d;
  d.backend = "opencl";
  d.name = "test device";
  return {"matmul", Problem{"matmul", {{"m", 8}, {"n", 8}, {"k", 8}}}, d, "exhaustive", 3, "0.1.0"};
}

Evaluation correct(double ms) {
  Evaluation e;
  e.outcome = Outcome::correct;
  e.samples_ms = {ms, ms * 1.01, ms * 0.99};
  e.time = summarize(e.samples_ms);
  e.max_error = 1e-7;
  return e;
}

TEST(Store, RecordsSessionsAndEvaluations) {
  TempDir dir;
  const auto path = dir / "r.db";
  {
    auto store = Store::open(path);
    EXPECT_EQ(store.schema_version(), Store::kSchemaVersion);
    const auto id = store.begin_session(session());
    store.record(id, "TS=16", correct(2.0));
    Evaluation failed;
    failed.outcome = Outcome::compile_error;
    failed.message = "error: expected ';'";
    store.record(id, "TS=64", failed);
    store.end_session(id, SessionStatus::completed);
    EXPECT_EQ(store.count_evaluations(id), 2);
  }
  Connection c(path.string(), Connection::Mode::read_only);
  Statement s(
      c, "SELECT config, outcome, message, median_ms, samples_ms FROM evaluations ORDER BY id");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.text(0), "TS=16");
  EXPECT_EQ(s.text(1), "correct");
  EXPECT_DOUBLE_EQ(s.real(3), 2.0);
  EXPECT_EQ(s.text(4), "[2.0,2.02,1.98]");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.text(1), "compile_error");
  EXPECT_EQ(s.text(2), "error: expected ';'");
  EXPECT_TRUE(s.is_null(3));
  Statement status(c, "SELECT status, ended_at IS NOT NULL FROM sessions");
  ASSERT_TRUE(status.step());
  EXPECT_EQ(status.text(0), "completed");
  EXPECT_EQ(status.integer(1), 1);
}

TEST(Store, ReadsBackSessionsAndEvaluationsInOrder) {
  auto store = Store::open_in_memory();
  const auto id = store.begin_session(session());
  store.record(id, "TS=16", correct(2.0));
  Evaluation failed;
  failed.outcome = Outcome::timeout;
  failed.message = "took too long";
  store.record(id, "TS=32", failed);
  store.end_session(id, SessionStatus::interrupted);

  const auto s = store.session(id);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->kernel, "matmul");
  EXPECT_EQ(s->problem, "m=8,n=8,k=8");
  EXPECT_EQ(s->status, SessionStatus::interrupted);
  EXPECT_EQ(s->seed, 3u);
  EXPECT_FALSE(s->ended_at.empty());
  EXPECT_FALSE(store.session(id + 1).has_value());
  EXPECT_EQ(store.sessions().size(), 1u);

  const auto evaluations = store.evaluations(id);
  ASSERT_EQ(evaluations.size(), 2u);
  EXPECT_EQ(evaluations[0].config, "TS=16");
  EXPECT_EQ(evaluations[0].evaluation.outcome, Outcome::correct);
  EXPECT_EQ(evaluations[0].evaluation.samples_ms, correct(2.0).samples_ms);
  EXPECT_DOUBLE_EQ(*evaluations[0].evaluation.objective_ms(), 2.0);
  EXPECT_EQ(evaluations[1].evaluation.outcome, Outcome::timeout);
  EXPECT_EQ(evaluations[1].evaluation.message, "took too long");

  store.reopen_session(id);
  EXPECT_EQ(store.session(id)->status, SessionStatus::running);
  EXPECT_TRUE(store.session(id)->ended_at.empty());
}

TEST(Store, AnEndedSearchKeepsWhyItStoppedUntilItIsResumed) {
  auto store = Store::open_in_memory();
  const auto id = store.begin_session(session());
  EXPECT_FALSE(store.session(id)->stop_reason) << "running";
  store.end_session(id, SessionStatus::completed, StopReason::evaluation_budget);
  EXPECT_EQ(store.session(id)->stop_reason, StopReason::evaluation_budget);
  EXPECT_EQ(Json(*store.session(id))["stop_reason"], "evaluation_budget");
  store.reopen_session(id);
  EXPECT_FALSE(store.session(id)->stop_reason) << "a resumed session is running again";
  EXPECT_TRUE(Json(*store.session(id))["stop_reason"].is_null());
  store.end_session(id, SessionStatus::interrupted, StopReason::interrupted);
  EXPECT_EQ(store.session(id)->stop_reason, StopReason::interrupted);
  const auto failed = store.begin_session(session());
  store.end_session(failed, SessionStatus::failed);
  EXPECT_FALSE(store.session(failed)->stop_reason);
}

TEST(Store, InMemoryWorks) {
  auto store = Store::open_in_memory();
  const auto id = store.begin_session(session());
  store.record(id, "TS=8", correct(1.0));
  EXPECT_EQ(store.count_evaluations(id), 1);
}

TEST(Store, ReopeningKeepsData) {
  TempDir dir;
  const auto path = dir / "r.db";
  std::int64_t id = 0;
  {
    auto store = Store::open(path);
    id = store.begin_session(session());
    store.record(id, "TS=16", correct(2.0));
  }
  auto store = Store::open(path);
  EXPECT_EQ(store.count_evaluations(id), 1);
}

TEST(Store, NewerSchemaIsAClearError) {
  TempDir dir;
  const auto path = dir / "new.db";
  {
    Connection c(path.string());
    c.execute("PRAGMA user_version = 99");
  }
  try {
    Store::open(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("newer ktune (schema 99"), std::string::npos) << e.what();
  }
}

TEST(Store, NotADatabaseIsAClearErrorAndTheFileIsUntouched) {
  TempDir dir;
  const auto path = dir / "notes.txt";
  const std::string text(4096, 'x');
  std::ofstream(path) << text;
  try {
    Store::open(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a usable ktune database"), std::string::npos)
        << e.what();
  }
  std::ifstream in(path);
  std::string back((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(back, text);
}

TEST(Store, MissingDirectoryIsAClearError) {
  try {
    Store::open("/nonexistent-ktune-dir/sub/r.db");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
}

TEST(Store, DefaultLocationDirectoriesAreCreated) {
  TempDir dir;
  auto store = Store::open(dir / "a" / "b" / "r.db", true);
  EXPECT_TRUE(std::filesystem::exists(dir / "a" / "b" / "r.db"));
}

TEST(Transaction, RollsBackUnlessCommitted) {
  Connection c(":memory:");
  c.execute("CREATE TABLE t (x INTEGER)");
  {
    Transaction tx(c);
    c.execute("INSERT INTO t VALUES (1)");
  }
  {
    Transaction tx(c);
    c.execute("INSERT INTO t VALUES (2)");
    tx.commit();
  }
  Statement s(c, "SELECT group_concat(x) FROM t");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.text(0), "2");
}

}  // namespace
}  // namespace ktune::db
