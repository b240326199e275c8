#include "tuner/finalists.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/support/synthetic_space.hpp"

namespace ktune::tuner {
namespace {

TEST(Finalists, SignTestMatchesTheBinomialDistribution) {
  EXPECT_DOUBLE_EQ(sign_test(0, 0), 1.0);
  EXPECT_NEAR(sign_test(10, 10), 2.0 / 1024, 1e-12);
  EXPECT_NEAR(sign_test(0, 10), 2.0 / 1024, 1e-12);
  // P(X <= 2) for Binomial(10, 1/2) = (1 + 10 + 45) / 1024; two-sided doubles it.
  EXPECT_NEAR(sign_test(8, 10), 2.0 * 56 / 1024, 1e-12);
  EXPECT_DOUBLE_EQ(sign_test(5, 10), 1.0);
}

TEST(Finalists, MannWhitneyTellsShiftedSamplesApart) {
  const std::vector<double> a{1.00, 1.01, 1.02, 1.03, 1.04, 1.05, 1.06, 1.07, 1.08, 1.09};
  std::vector<double> b;
  for (double x : a)
    b.push_back(x + 0.2);
  EXPECT_LT(mann_whitney(a, b), 0.001);
  EXPECT_GT(mann_whitney(a, a), 0.9);
  // Interleaved samples of one distribution: no difference.
  const std::vector<double> odd{1.00, 1.02, 1.04, 1.06, 1.08}, even{1.01, 1.03, 1.05, 1.07, 1.09};
  EXPECT_GT(mann_whitney(odd, even), 0.5);
  EXPECT_DOUBLE_EQ(mann_whitney({}, a), 1.0);
}

TuneResult three_configurations(const Space& space, test::SyntheticEvaluator& evaluator,
                                std::vector<std::string> texts) {
  TuneResult r;
  for (const auto& text : texts) {
    const Config c = space.parse_config(text);
    r.evaluations.push_back({r.evaluations.size() + 1, c, evaluator.evaluate(c), false, 0});
  }
  for (std::size_t i = 0; i < r.evaluations.size(); ++i)
    if (r.evaluations[i].evaluation.ok() &&
        (!r.best || *r.evaluations[i].evaluation.objective_ms() <
                        *r.evaluations[*r.best].evaluation.objective_ms()))
      r.best = i;
  return r;
}

TEST(Finalists, RemeasuresTheBestInterleavedAndNamesTheWinner) {
  const Space space = test::synthetic_space();
  test::SyntheticEvaluator evaluator(space);
  const auto r = three_configurations(
      space, evaluator,
      {"BX=8,BY=1", "BX=24,BY=4,T=2,SMEM=1,ALGO=tiled", "BX=16,BY=4,T=2,SMEM=1,ALGO=tiled",
       "BX=32,BY=2,T=2,SMEM=1,ALGO=tiled"});
  FinalistOptions options;  // 3 finalists, 5 rounds of 3 runs
  const auto v = choose_winner(r, evaluator, options);
  ASSERT_TRUE(v.remeasured);
  ASSERT_EQ(v.finalists.size(), 3u);
  EXPECT_EQ(v.winner, 1u);
  EXPECT_EQ(v.finalists[0].evaluation, 1u);
  for (const auto& f : v.finalists)
    EXPECT_EQ(f.samples.size(), 15u);
  // Interleaved: each round samples every finalist once, the order rotating.
  ASSERT_EQ(evaluator.sampled.size(), 15u);
  for (std::size_t round = 0; round < 5; ++round) {
    std::set<Config> in_round(
        evaluator.sampled.begin() + static_cast<std::ptrdiff_t>(3 * round),
        evaluator.sampled.begin() + static_cast<std::ptrdiff_t>(3 * round + 3));
    EXPECT_EQ(in_round.size(), 3u);
  }
  EXPECT_NE(evaluator.sampled[0], evaluator.sampled[3]) << "the order rotates between rounds";
  // The optimum is clearly faster than the runner-up (BX=16 or 32: 12.8% slower).
  ASSERT_TRUE(v.p_value);
  EXPECT_LT(*v.p_value, 0.05);
  EXPECT_FALSE(v.indistinguishable);
  EXPECT_NE(v.note.find("faster than the runner-up"), std::string::npos) << v.note;
}

// The re-measurement reverses the search's ranking: what searched fastest now runs slowest.
class Reversing final : public profiles::Evaluator {
 public:
  explicit Reversing(test::SyntheticEvaluator& inner) : inner_(inner) {}
  const DeviceInfo& device() const override { return inner_.device(); }
  Evaluation evaluate(const Config& c) override { return inner_.evaluate(c); }
  std::vector<double> sample(const Config& c, int runs) override {
    auto s = inner_.sample(c, runs);
    for (auto& ms : s)
      ms = 10.0 / ms;
    return s;
  }

 private:
  test::SyntheticEvaluator& inner_;
};

TEST(Finalists, TheWinnerIsTheFastestOfTheReMeasurementNotOfTheSearch) {
  const Space space = test::synthetic_space();
  test::SyntheticEvaluator synthetic(space);
  const auto r = three_configurations(
      space, synthetic,
      {"BX=8,BY=1", "BX=24,BY=4,T=2,SMEM=1,ALGO=tiled", "BX=16,BY=4,T=2,SMEM=1,ALGO=tiled",
       "BX=32,BY=2,T=2,SMEM=1,ALGO=tiled"});
  ASSERT_TRUE(r.best);
  Reversing reversing(synthetic);
  const auto v = choose_winner(r, reversing, FinalistOptions{});
  ASSERT_TRUE(v.remeasured);
  ASSERT_EQ(v.finalists.size(), 3u);
  // The finalist the search found slowest is the fastest now, and wins.
  std::size_t slowest = v.finalists[0].evaluation;
  for (const auto& f : v.finalists)
    if (*r.evaluations[f.evaluation].evaluation.objective_ms() >
        *r.evaluations[slowest].evaluation.objective_ms())
      slowest = f.evaluation;
  EXPECT_NE(v.winner, r.best);
  EXPECT_EQ(v.winner, slowest);
  EXPECT_EQ(v.finalists[0].evaluation, slowest);
}

TEST(Finalists, SaysWhenTheWinnerCannotBeToldApart) {
  // Two configurations with the same time (BX=16 and BX=32 are symmetric around 24).
  const Space space = test::synthetic_space();
  test::SyntheticEvaluator evaluator(space);
  const auto r = three_configurations(
      space, evaluator, {"BX=16,BY=4,T=2,SMEM=1,ALGO=tiled", "BX=32,BY=4,T=2,SMEM=1,ALGO=tiled"});
  FinalistOptions options;
  options.count = 2;
  const auto v = choose_winner(r, evaluator, options);
  ASSERT_EQ(v.finalists.size(), 2u);
  EXPECT_TRUE(v.indistinguishable);
  EXPECT_NE(v.note.find("indistinguishable"), std::string::npos) << v.note;
}

// A recording: cannot run anything again.
class Recording final : public profiles::Evaluator {
 public:
  const DeviceInfo& device() const override { return device_; }
  Evaluation evaluate(const Config&) override { return {}; }
  std::vector<double> sample(const Config&, int) override { return {}; }

 private:
  DeviceInfo device_;
};

TEST(Finalists, WithoutReRunsTheRecordedSamplesAreCompared) {
  const Space space = test::synthetic_space();
  test::SyntheticEvaluator synthetic(space);
  const auto r = three_configurations(
      space, synthetic,
      {"BX=24,BY=4,T=2,SMEM=1,ALGO=tiled", "BX=16,BY=4,T=2,SMEM=1,ALGO=tiled", "BX=8,BY=1"});
  Recording recording;
  const auto v = choose_winner(r, recording, FinalistOptions{});
  EXPECT_FALSE(v.remeasured);
  EXPECT_EQ(v.winner, r.best);
  ASSERT_EQ(v.finalists.size(), 3u);
  EXPECT_EQ(v.finalists[0].samples, r.evaluations[0].evaluation.samples_ms);
  EXPECT_NE(v.test.find("Mann-Whitney"), std::string::npos);
}

TEST(Finalists, NothingToCompareWithOneCandidateOrNoFinalists) {
  const Space space = test::synthetic_space();
  test::SyntheticEvaluator evaluator(space);
  const auto r =
      three_configurations(space, evaluator, {"BX=24,BY=4,T=2,SMEM=1,ALGO=tiled", "BX=8,BY=16"});
  const auto v = choose_winner(r, evaluator, FinalistOptions{});
  EXPECT_EQ(v.winner, 0u);
  EXPECT_TRUE(v.finalists.empty());
  EXPECT_TRUE(evaluator.sampled.empty());
  FinalistOptions none;
  none.count = 0;
  const auto r2 = three_configurations(space, evaluator,
                                       {"BX=16,BY=4,T=2,SMEM=1,ALGO=tiled", "BX=24,BY=4,T=2"});
  EXPECT_TRUE(choose_winner(r2, evaluator, none).finalists.empty());
  EXPECT_TRUE(evaluator.sampled.empty());
}

}  // namespace
}  // namespace ktune::tuner
