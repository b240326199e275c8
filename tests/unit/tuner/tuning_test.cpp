// A tuning from start to verdict tells its recorder every step in order, and says how it ended.
#include "tuner/tuning.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/support/memory_recorder.hpp"
#include "tests/support/synthetic_space.hpp"

namespace ktune::tuner {
namespace {

struct Tuned {
  Space space = test::synthetic_space();
  test::SyntheticEvaluator evaluator{space};
  std::unique_ptr<Strategy> strategy = make_strategy("random", space, space.enumerate(), 3);
  ktune::test::MemoryRecorder recorder;
  Session session{space, evaluator, *strategy, &recorder};
  SessionPlan plan;
  Tuned() {
    plan.kernel = "synthetic";
    plan.strategy = "random";
    plan.budget.evaluations = 8;
    plan.space_size = space.enumerate().size();
  }
};

TEST(Tuning, RecordsBegunEveryEvaluationTheFinalistsAndEnded) {
  Tuned r;
  FinalistOptions finalists;
  finalists.count = 3;
  finalists.rounds = 2;
  const auto t = tune(r.plan, r.session, r.evaluator, finalists, &r.recorder);
  ASSERT_EQ(r.recorder.events.size(), 1 + 8 + 1 + 1u);
  EXPECT_EQ(r.recorder.events.front(), "begun");
  EXPECT_EQ(r.recorder.events[9], "finalists");
  EXPECT_EQ(r.recorder.events.back(), "ended");
  EXPECT_EQ(r.recorder.status, SessionStatus::completed);
  EXPECT_EQ(r.recorder.stop, t.result.stop_reason) << "why the search stopped is recorded";
  EXPECT_TRUE(r.recorder.remeasured);
  ASSERT_EQ(r.recorder.finalists.size(), t.verdict.finalists.size());
  ASSERT_TRUE(t.verdict.winner);
  EXPECT_EQ(r.recorder.finalists.front(),
            r.space.canonical(t.result.evaluations[*t.verdict.winner].config))
      << "the winner is recorded first";
}

TEST(Tuning, AnInterruptedSearchEndsInterruptedWithoutFinalists) {
  Tuned r;
  std::atomic<bool> stop{true};
  TuningHooks hooks;
  hooks.stop = &stop;
  const auto t = tune(r.plan, r.session, r.evaluator, {}, &r.recorder, hooks);
  EXPECT_TRUE(t.result.interrupted);
  EXPECT_EQ(r.recorder.events, (std::vector<std::string>{"begun", "ended"}));
  EXPECT_EQ(r.recorder.status, SessionStatus::interrupted);
  EXPECT_EQ(r.recorder.stop, StopReason::interrupted);
}

TEST(Tuning, AnErrorEndsTheSessionFailedAndIsNotSwallowed) {
  Tuned r;
  TuningHooks hooks;
  hooks.progress = [](const TuneResult& so_far, std::size_t) {
    if (so_far.evaluations.size() == 3) throw std::runtime_error("device lost");
  };
  EXPECT_THROW(tune(r.plan, r.session, r.evaluator, {}, &r.recorder, hooks), std::runtime_error);
  EXPECT_EQ(r.recorder.status, SessionStatus::failed);
  EXPECT_FALSE(r.recorder.stop) << "a failed session did not stop for a reason of the search";
  EXPECT_EQ(r.recorder.evaluations.size(), 3u);
}

}  // namespace
}  // namespace ktune::tuner
