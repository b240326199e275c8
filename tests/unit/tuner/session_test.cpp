#include "tuner/session.hpp"

#include <gtest/gtest.h>

#include <set>

#include "tests/support/memory_recorder.hpp"
#include "tests/support/synthetic_space.hpp"

namespace ktune::tuner {
namespace {

struct Run {
  TuneResult result;
  std::vector<Config> order;
};

Run run(const Space& space, test::SyntheticEvaluator& evaluator, const std::string& strategy,
        const Budget& budget, std::vector<std::pair<Config, Evaluation>> stored = {},
        SessionOptions options = {}, const std::atomic<bool>* stop = nullptr,
        Recorder* recorder = nullptr) {
  auto s = make_strategy(strategy, space, space.enumerate(), 7);
  Session session(space, evaluator, *s, recorder, options);
  session.resume(std::move(stored));
  Run r;
  r.result = session.run(budget, space.enumerate().size(), stop);
  for (const auto& e : r.result.evaluations)
    r.order.push_back(e.config);
  return r;
}

std::vector<std::pair<Config, Evaluation>> as_stored(const TuneResult& r) {
  std::vector<std::pair<Config, Evaluation>> stored;
  for (const auto& e : r.evaluations)
    stored.emplace_back(e.config, e.evaluation);
  return stored;
}

TEST(Session, DefaultFirstThenTheStrategyWithinTheEvaluationBudget) {
  const Space space = test::synthetic_space();
  test::SyntheticEvaluator evaluator(space);
  Budget budget;
  budget.evaluations = 12;
  const auto r = run(space, evaluator, "auto", budget).result;
  ASSERT_EQ(r.evaluations.size(), 12u);
  EXPECT_EQ(r.stop_reason, StopReason::evaluation_budget);
  EXPECT_EQ(r.evaluations[0].config, space.default_config());
  ASSERT_TRUE(r.default_config);
  EXPECT_EQ(*r.default_config, 0u);
  ASSERT_TRUE(r.speedup_over_default());
  ASSERT_TRUE(r.best);
  EXPECT_DOUBLE_EQ(*r.speedup_over_default(),
                   *r.evaluations[0].evaluation.objective_ms() /
                       *r.evaluations[*r.best].evaluation.objective_ms());
}

TEST(Session, ExhaustiveSearchHandsItsNextConfigurationsOverToCompileTogether) {
  const Space space = test::synthetic_space();
  test::SyntheticEvaluator evaluator(space);
  Budget budget;
  budget.evaluations = 30;
  SessionOptions options;
  options.compile_ahead = 8;
  const auto r = run(space, evaluator, "exhaustive", budget, {}, options).result;
  ASSERT_EQ(r.evaluations.size(), 30u);
  std::set<Config> seen;
  std::size_t handed = 0;
  for (const auto& batch : evaluator.batches) {
    EXPECT_GE(batch.size(), 2u);
    EXPECT_LE(batch.size(), 8u);
    for (const auto& c : batch)
      EXPECT_TRUE(seen.insert(c).second) << "handed over twice: " << space.canonical(c);
    handed += batch.size();
  }
  EXPECT_LE(handed, 30u) << "compiled ahead beyond the evaluation budget";
  // Only a last lone configuration may be compiled on its own.
  EXPECT_GE(evaluator.evaluated_prepared, 29u);
}

TEST(Session, NothingIsCompiledAheadWhenTheNextProposalsAreUnknownOrItIsOff) {
  const Space space = test::synthetic_space();
  Budget budget;
  budget.evaluations = 20;
  test::SyntheticEvaluator random_evaluator(space);
  run(space, random_evaluator, "random", budget);
  EXPECT_TRUE(random_evaluator.batches.empty());
  test::SyntheticEvaluator off_evaluator(space);
  SessionOptions off;
  off.compile_ahead = 0;
  run(space, off_evaluator, "exhaustive", budget, {}, off);
  EXPECT_TRUE(off_evaluator.batches.empty());
}

TEST(Session, SimulatedTimeBudgetCountsTheEvaluationsCosts) {
  const Space space = test::synthetic_space();
  test::SyntheticEvaluator evaluator(space);
  Budget budget;
  budget.seconds = 20.5;  // each synthetic evaluation costs one simulated second
  SessionOptions options;
  options.simulated_time = true;
  const auto r = run(space, evaluator, "random", budget, {}, options).result;
  EXPECT_EQ(r.stop_reason, StopReason::time_budget);
  EXPECT_EQ(r.evaluations.size(), 21u);
  EXPECT_DOUBLE_EQ(r.elapsed_seconds, 21.0);
  EXPECT_DOUBLE_EQ(r.evaluations[4].at_seconds, 5.0);
}

TEST(Session, StopsOnStagnation) {
  const Space space = test::synthetic_space();
  test::SyntheticEvaluator evaluator(space);
  Budget budget;
  budget.stagnation = 15;
  const auto r = run(space, evaluator, "exhaustive", budget).result;
  EXPECT_EQ(r.stop_reason, StopReason::stagnation);
  ASSERT_TRUE(r.best);
  // The best came exactly 15 evaluations before the end.
  EXPECT_EQ(r.evaluations.size() - 1 - *r.best, 15u);
}

TEST(Session, StopsWhenAsked) {
  const Space space = test::synthetic_space();
  test::SyntheticEvaluator evaluator(space);
  std::atomic<bool> stop{true};
  const auto r = run(space, evaluator, "auto", {}, {}, {}, &stop).result;
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(r.stop_reason, StopReason::interrupted);
  EXPECT_TRUE(r.evaluations.empty());
}

TEST(Session, ResumeContinuesTheSameSearchWithoutMeasuringAgain) {
  const Space space = test::synthetic_space();
  for (const char* strategy : {"auto", "bayes", "genetic", "annealing", "random", "exhaustive"}) {
    test::SyntheticEvaluator whole_evaluator(space);
    Budget forty;
    forty.evaluations = 40;
    const auto whole = run(space, whole_evaluator, strategy, forty);

    // Interrupted after 17 evaluations, then resumed with the same budget.
    test::SyntheticEvaluator first_evaluator(space);
    Budget seventeen;
    seventeen.evaluations = 17;
    const auto first = run(space, first_evaluator, strategy, seventeen);
    test::SyntheticEvaluator resumed_evaluator(space);
    const auto resumed = run(space, resumed_evaluator, strategy, forty, as_stored(first.result));

    EXPECT_EQ(resumed.order, whole.order) << strategy << " restarted instead of continuing";
    EXPECT_EQ(resumed.result.resumed, 17u) << strategy;
    // Nothing stored was measured again: exactly the 23 new ones were.
    EXPECT_EQ(resumed_evaluator.evaluations.size(), 23u) << strategy;
    for (const auto& config : first.order)
      EXPECT_FALSE(resumed_evaluator.evaluations.contains(config)) << strategy;
    EXPECT_TRUE(resumed.result.evaluations[0].resumed);
    EXPECT_FALSE(resumed.result.evaluations[17].resumed);
    EXPECT_EQ(resumed.result.evaluations[17].index, 18u);
  }
}

TEST(Session, StoredEvaluationsAreServedWhateverTheBudget) {
  const Space space = test::synthetic_space();
  test::SyntheticEvaluator first_evaluator(space);
  Budget thirty;
  thirty.evaluations = 30;
  const auto first = run(space, first_evaluator, "genetic", thirty);
  test::SyntheticEvaluator again(space);
  Budget ten;
  ten.evaluations = 10;
  const auto resumed = run(space, again, "genetic", ten, as_stored(first.result));
  EXPECT_EQ(resumed.result.evaluations.size(), 30u);
  EXPECT_TRUE(again.evaluations.empty());
  EXPECT_EQ(resumed.result.stop_reason, StopReason::evaluation_budget);
}

TEST(Session, StoredEvaluationsTheStrategyWouldNotProposeAreStillServed) {
  // A session stored by another strategy (or another version of one): its evaluations are all
  // told, none is measured again, and the search goes on from there.
  const Space space = test::synthetic_space();
  test::SyntheticEvaluator first_evaluator(space);
  Budget twenty;
  twenty.evaluations = 20;
  const auto first = run(space, first_evaluator, "random", twenty);
  test::SyntheticEvaluator again(space);
  Budget thirty;
  thirty.evaluations = 30;
  const auto resumed = run(space, again, "exhaustive", thirty, as_stored(first.result));
  EXPECT_EQ(resumed.result.evaluations.size(), 30u);
  EXPECT_EQ(resumed.result.resumed, 20u);
  EXPECT_EQ(again.evaluations.size(), 10u);
  for (const auto& config : first.order)
    EXPECT_FALSE(again.evaluations.contains(config));
}

TEST(Session, RecordsEveryMeasuredEvaluationOnce) {
  const Space space = test::synthetic_space();
  ktune::test::MemoryRecorder recorder;
  test::SyntheticEvaluator evaluator(space);
  Budget ten;
  ten.evaluations = 10;
  const auto first = run(space, evaluator, "auto", ten, {}, {}, nullptr, &recorder);
  EXPECT_EQ(recorder.evaluations.size(), 10u);
  Budget fifteen;
  fifteen.evaluations = 15;
  test::SyntheticEvaluator again(space);
  run(space, again, "auto", fifteen, as_stored(first.result), {}, nullptr, &recorder);
  ASSERT_EQ(recorder.evaluations.size(), 15u) << "resumed evaluations must not be recorded twice";
  EXPECT_EQ(recorder.evaluations[0], space.canonical(space.default_config()));
  const std::set<std::string> distinct(recorder.evaluations.begin(), recorder.evaluations.end());
  EXPECT_EQ(distinct.size(), 15u);
}

}  // namespace
}  // namespace ktune::tuner
