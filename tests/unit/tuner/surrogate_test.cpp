#include "tuner/strategies/surrogate.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/support/synthetic_space.hpp"
#include "tuner/strategies/gaussian_process.hpp"
#include "tuner/strategies/rng.hpp"

namespace ktune::tuner {
namespace {

TEST(GaussianProcess, LikelihoodGradientMatchesFiniteDifferences) {
  Rng rng(3);
  const Eigen::Index n = 30, d = 4;
  Eigen::MatrixXd X(n, d);
  Eigen::VectorXd y(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index k = 0; k < d; ++k)
      X(i, k) = rng.uniform();
    y[i] = std::sin(3 * X(i, 0)) + X(i, 1) * X(i, 2) + 0.1 * rng.normal();
  }
  y = (y.array() - y.mean()) / std::sqrt((y.array() - y.mean()).square().mean());
  GaussianProcess::Hyper h;
  h.log_lengthscales = Eigen::VectorXd(d);
  h.log_lengthscales << -0.7, -0.2, 0.3, 1.0;
  h.log_signal = 0.2;
  h.log_noise = -3;
  Eigen::VectorXd gradient;
  GaussianProcess::log_likelihood(h, X, y, &gradient);
  ASSERT_EQ(gradient.size(), d + 2);
  const double step = 1e-6;
  for (Eigen::Index k = 0; k < d + 2; ++k) {
    auto shifted = [&](double by) {
      GaussianProcess::Hyper s = h;
      if (k < d)
        s.log_lengthscales[k] += by;
      else if (k == d)
        s.log_signal += by;
      else
        s.log_noise += by;
      return GaussianProcess::log_likelihood(s, X, y, nullptr);
    };
    const double numeric = (shifted(step) - shifted(-step)) / (2 * step);
    EXPECT_NEAR(gradient[k], numeric, 1e-4 * std::max(1.0, std::abs(numeric))) << "parameter " << k;
  }
}

// Tells points in a random order, keeping a pending set of a few proposals.
struct History {
  const Space space = test::synthetic_space();
  const SpaceIndex index{space, space.enumerate()};
  Observations seen{index};
  test::SyntheticEvaluator evaluator{space};
  std::vector<std::size_t> pending;
  Rng rng{11};

  void tell_random() {
    std::size_t p = seen.random_unvisited(rng);
    while (std::find(pending.begin(), pending.end(), p) != pending.end())
      p = seen.random_unvisited(rng);
    seen.record(index.config(p), evaluator.evaluate(index.config(p)));
  }
  // Moves pending points to told, and makes new ones pending.
  void shuffle_pending() {
    if (!pending.empty()) {
      const std::size_t p = pending[rng.below(pending.size())];
      pending.erase(std::find(pending.begin(), pending.end(), p));
      seen.record(index.config(p), evaluator.evaluate(index.config(p)));
    }
    while (pending.size() < 3) {
      const std::size_t p = seen.random_unvisited(rng);
      if (std::find(pending.begin(), pending.end(), p) == pending.end()) pending.push_back(p);
    }
  }
};

void expect_same_posterior(Surrogate& a, Surrogate& b, const SpaceIndex& index) {
  for (std::size_t p = 0; p < index.size(); p += 3) {
    const auto [mean_a, sd_a] = a.posterior(p);
    const auto [mean_b, sd_b] = b.posterior(p);
    EXPECT_NEAR(mean_a, mean_b, 1e-6 * std::max(1.0, std::abs(mean_b))) << "point " << p;
    EXPECT_NEAR(sd_a, sd_b, 1e-6 * std::max(1.0, sd_b)) << "point " << p;
  }
}

TEST(Surrogate, IncrementalUpdatesMatchARecomputationFromScratch) {
  // A small training cap, so points leave the training set as well as join it, and pending
  // points joining and leaving; one surrogate is only ever updated step by step (never
  // recomputed), the other recomputes everything at every update.
  History h;
  Surrogate incremental(h.index, 24, 10'000, 8, Lie::believer, /*refresh_every=*/1'000'000);
  for (int i = 0; i < 10; ++i)
    h.tell_random();
  for (int i = 0; i < 90; ++i) {
    if (i % 3 == 0)
      h.shuffle_pending();
    else
      h.tell_random();
    ASSERT_TRUE(incremental.update(h.seen, h.pending));
  }
  Surrogate scratch(h.index, 24, 10'000, 8, Lie::believer, /*refresh_every=*/1);
  ASSERT_TRUE(scratch.update(h.seen, h.pending));
  ASSERT_TRUE(scratch.update(h.seen, h.pending));  // the training set again, from scratch
  expect_same_posterior(incremental, scratch, h.index);
}

TEST(Surrogate, PoolPointsAndPointsJoiningLaterAgree) {
  // A pool of a few points; every other point joins it when asked about, after the training
  // set has changed many times: both must see the same posterior as a surrogate whose pool is
  // the whole space.
  History h;
  Surrogate pooled(h.index, 24, 0, 8);
  pooled.set_pool({0, 5, 10, 15});
  Surrogate whole(h.index, 24, 10'000, 8);
  for (int i = 0; i < 60; ++i) {
    h.tell_random();
    if (h.seen.count() >= 8) {
      ASSERT_TRUE(pooled.update(h.seen, h.pending));
      ASSERT_TRUE(whole.update(h.seen, h.pending));
    }
    if (i == 30) pooled.posterior(7);  // joins mid-way
  }
  expect_same_posterior(pooled, whole, h.index);
}

TEST(Surrogate, PendingPointsCountAsTheirLie) {
  History h;
  for (int i = 0; i < 40; ++i)
    h.tell_random();
  const double best_log = std::log(*h.seen.objective(*h.seen.best()));
  for (Lie lie : {Lie::best, Lie::believer, Lie::worst}) {
    Surrogate model(h.index, 200, 10'000, 8, lie);
    ASSERT_TRUE(model.update(h.seen, {}));
    // A point predicted well away from the best.
    std::size_t far = 0;
    double far_mean = -1e300;
    for (std::size_t p = 0; p < h.index.size(); ++p)
      if (!h.seen.visited(p) && model.posterior(p).first > far_mean) {
        far_mean = model.posterior(p).first;
        far = p;
      }
    ASSERT_GT(far_mean, best_log + 0.01);
    std::vector<std::pair<double, double>> before;
    for (std::size_t p = 0; p < h.index.size(); ++p)
      before.push_back(model.posterior(p));
    ASSERT_TRUE(model.update(h.seen, {far}));
    const auto [mean, sd] = model.posterior(far);
    EXPECT_LT(sd, 0.5 * before[far].second);
    if (lie == Lie::best) {
      EXPECT_NEAR(mean, best_log, 0.02);
    }
    if (lie == Lie::worst) {
      EXPECT_GT(mean, best_log + 0.5 * (far_mean - best_log));
    }
    if (lie == Lie::believer) {
      // Believing the model changes no prediction, only the uncertainty.
      for (std::size_t p = 0; p < h.index.size(); ++p)
        EXPECT_NEAR(model.posterior(p).first, before[p].first, 1e-6) << "point " << p;
    }
    // Told, it is what it evaluated to, whatever it counted as before.
    h.seen.record(h.index.config(far), h.evaluator.evaluate(h.index.config(far)));
    Surrogate fresh(h.index, 200, 10'000, 8, lie);
    ASSERT_TRUE(model.update(h.seen, {}));
    ASSERT_TRUE(fresh.update(h.seen, {}));
    EXPECT_NEAR(model.posterior(far).first, fresh.posterior(far).first, 1e-6);
  }
}

TEST(Surrogate, PrepareNeverChangesTheModel) {
  History h;
  Surrogate plain(h.index, 24, 10'000, 8), prepared(h.index, 24, 10'000, 8);
  for (int i = 0; i < 120; ++i) {
    if (i % 4 == 0)
      h.shuffle_pending();
    else
      h.tell_random();
    if (i % 3 == 0) prepared.prepare(h.seen, h.pending);
    if (i % 2 == 0 && h.seen.count() >= 8) {
      ASSERT_TRUE(plain.update(h.seen, h.pending));
      ASSERT_TRUE(prepared.update(h.seen, h.pending));
      for (std::size_t p = 0; p < h.index.size(); p += 7)
        ASSERT_EQ(plain.posterior(p), prepared.posterior(p)) << "step " << i << " point " << p;
    }
  }
}

}  // namespace
}  // namespace ktune::tuner
