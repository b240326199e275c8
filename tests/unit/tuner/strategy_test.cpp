#include "tuner/strategy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/error.hpp"
#include "tests/support/synthetic_space.hpp"
#include "tuner/session.hpp"
#include "tuner/strategies/bayesian.hpp"

namespace ktune::tuner {
namespace {

std::vector<Config> evaluated_order(const TuneResult& r) {
  std::vector<Config> order;
  for (const auto& e : r.evaluations)
    order.push_back(e.config);
  return order;
}

TuneResult tune(const std::string& strategy, std::uint64_t seed, std::optional<std::size_t> budget,
                const Space& space, test::SyntheticEvaluator& evaluator) {
  auto s = make_strategy(strategy, space, space.enumerate(), seed);
  SessionOptions options;
  options.evaluate_default_first = false;
  Session session(space, evaluator, *s, nullptr, options);
  Budget b;
  b.evaluations = budget;
  return session.run(b, space.enumerate().size());
}

Config optimum(const Space& space) {
  Config best;
  double best_ms = 1e300;
  for (const auto& c : space.enumerate())
    if (!test::SyntheticEvaluator::fails(space, c) &&
        test::SyntheticEvaluator::time_ms(space, c) < best_ms) {
      best_ms = test::SyntheticEvaluator::time_ms(space, c);
      best = c;
    }
  return best;
}

TEST(Strategies, NamesAreKnownAndAutoIsTheDefault) {
  EXPECT_EQ(strategy_names().front(), "auto");
  for (const char* name : {"auto", "bayes", "genetic", "annealing", "random", "exhaustive"})
    EXPECT_NO_THROW(require_strategy(name)) << name;
  try {
    require_strategy("magic");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown strategy 'magic' (accepted: auto,"),
              std::string::npos);
  }
}

TEST(Strategies, EveryStrategyCoversTheSpaceAndFindsTheOptimum) {
  const Space space = test::synthetic_space();
  const auto valid = space.enumerate();
  const Config best = optimum(space);
  for (const auto& name : strategy_names()) {
    test::SyntheticEvaluator evaluator(space);
    const auto r = tune(name, 3, std::nullopt, space, evaluator);
    EXPECT_EQ(r.stop_reason, StopReason::space_exhausted) << name;
    // Every point once: nothing measured twice, failures included.
    EXPECT_EQ(r.evaluations.size(), valid.size()) << name;
    EXPECT_EQ(evaluator.evaluations.size(), valid.size()) << name;
    for (const auto& [config, count] : evaluator.evaluations)
      EXPECT_EQ(count, 1) << name << " " << space.canonical(config);
    ASSERT_TRUE(r.best) << name;
    EXPECT_EQ(r.evaluations[*r.best].config, best) << name;
    for (std::size_t i = 0; i < r.evaluations.size(); ++i)
      EXPECT_EQ(r.evaluations[i].index, i + 1);
  }
}

TEST(Strategies, SearchingStrategiesFindTheOptimumWellBeforeTheEnd) {
  // 330-odd points; a search that learns finds the optimum in a fraction of them (random
  // search needs half the space on average).
  const Space space = test::synthetic_space();
  const Config best = optimum(space);
  for (const char* name : {"auto", "bayes", "genetic", "annealing"}) {
    std::size_t found = 0;
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      test::SyntheticEvaluator evaluator(space);
      const auto r = tune(name, seed, 150, space, evaluator);
      if (r.best && r.evaluations[*r.best].config == best) ++found;
    }
    EXPECT_GE(found, 4u) << name << " found the optimum in " << found << " of 5 runs";
  }
}

TEST(Strategies, DeterministicBySeed) {
  const Space space = test::synthetic_space();
  for (const auto& name : strategy_names()) {
    test::SyntheticEvaluator e1(space), e2(space), e3(space);
    const auto a = evaluated_order(tune(name, 42, 60, space, e1));
    const auto b = evaluated_order(tune(name, 42, 60, space, e2));
    const auto c = evaluated_order(tune(name, 43, 60, space, e3));
    EXPECT_EQ(a, b) << name;
    if (name != "exhaustive") {
      EXPECT_NE(a, c) << name << " ignores its seed";
    }
  }
}

TEST(Strategies, FailedPointsAreSeenAsInvalid) {
  // All failures are evaluated at most once and never become the best.
  const Space space = test::synthetic_space();
  for (const auto& name : strategy_names()) {
    test::SyntheticEvaluator evaluator(space);
    const auto r = tune(name, 5, 200, space, evaluator);
    ASSERT_TRUE(r.best);
    EXPECT_TRUE(r.evaluations[*r.best].evaluation.ok());
    std::size_t failures = 0;
    for (const auto& e : r.evaluations)
      if (test::SyntheticEvaluator::fails(space, e.config)) {
        ++failures;
        EXPECT_EQ(e.evaluation.outcome, Outcome::launch_error);
        EXPECT_FALSE(e.evaluation.objective_ms());
        EXPECT_EQ(evaluator.evaluations.at(e.config), 1) << name << " evaluated a failure twice";
      }
    EXPECT_GT(failures, 0u) << name << " met no failing point: the test checks nothing";
  }
}

TEST(Strategies, AcceptPointsTheyDidNotPropose) {
  // The default configuration and resumed evaluations are told without being proposed.
  const Space space = test::synthetic_space();
  const auto valid = space.enumerate();
  for (const auto& name : strategy_names()) {
    auto s = make_strategy(name, space, valid, 1);
    test::SyntheticEvaluator evaluator(space);
    std::set<Config> told;
    for (std::size_t i = 0; i < valid.size(); i += 7) {
      s->tell(valid[i], evaluator.evaluate(valid[i]));
      told.insert(valid[i]);
    }
    for (int k = 0; k < 20; ++k) {
      auto next = s->next();
      ASSERT_TRUE(next);
      if (name != "exhaustive") {
        EXPECT_FALSE(told.contains(*next)) << name;
      }
      s->tell(*next, evaluator.evaluate(*next));
      told.insert(*next);
    }
  }
}

// Several devices: `batch` proposals out at a time, told in a scrambled order (one of the
// pending ones, chosen by the step number), until `budget` were told. Returns the proposals
// in the order they were made. With `prepare`, prepare() is called before every tell.
std::vector<Config> run_batched(const std::string& name, std::uint64_t seed, std::size_t batch,
                                std::size_t budget, bool prepare = false) {
  const Space space = test::synthetic_space();
  auto s = make_strategy(name, space, space.enumerate(), seed);
  test::SyntheticEvaluator evaluator(space);
  std::vector<Config> proposed, pending;
  for (std::size_t told = 0; told < budget; ++told) {
    for (auto& c : s->propose(batch - pending.size())) {
      proposed.push_back(c);
      pending.push_back(std::move(c));
    }
    if (pending.empty()) break;
    if (prepare) s->prepare();
    const std::size_t pick = (told * 7 + 3) % pending.size();
    s->tell(pending[pick], evaluator.evaluate(pending[pick]));
    pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(pick));
  }
  return proposed;
}

// Several devices: local proposals made together comb the neighbourhoods of different best
// points. Each proposal of a batch must be a neighbour of one of the best points told that no
// earlier proposal of the batch is a neighbour of (without the rule, they crowd round the best).
TEST(StrategyBatches, LocalProposalsMadeTogetherSpreadOverTheBestPoints) {
  const Space space = test::synthetic_space();
  const auto index = std::make_shared<const SpaceIndex>(space, space.enumerate());
  test::SyntheticEvaluator evaluator(space);
  BayesianOptions options;
  options.local_every = 1;  // every model-driven proposal is local
  options.local_top = 5;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    BayesianStrategy strategy(index, seed, options, "local");
    std::vector<std::pair<double, std::size_t>> told;  // objective, point
    for (int i = 0; i < 30; ++i) {
      const auto c = strategy.propose(1).at(0);
      const auto e = evaluator.evaluate(c);
      strategy.tell(c, e);
      if (e.objective_ms()) told.emplace_back(*e.objective_ms(), *index->find(c));
    }
    std::sort(told.begin(), told.end());
    told.resize(std::min<std::size_t>(told.size(), 10));
    auto neighbours_of = [&](std::size_t point) {
      const auto n = index->neighbours(point, Neighbourhood::hamming);
      return std::set<std::size_t>(n.begin(), n.end());
    };
    std::vector<std::size_t> batch;
    for (const auto& c : strategy.propose(4)) {
      const std::size_t p = *index->find(c);
      bool fresh_anchor = false;
      for (const auto& [objective, best] : told) {
        const auto near = neighbours_of(best);
        fresh_anchor |= near.contains(p) && std::none_of(batch.begin(), batch.end(),
                                                         [&](auto q) { return near.contains(q); });
      }
      EXPECT_TRUE(fresh_anchor) << "seed " << seed << ", proposal " << batch.size() + 1 << ": "
                                << space.canonical(c);
      batch.push_back(p);
    }
  }
}

TEST(StrategyBatches, ProposalsAreFreshAndNeverRepeatedWhilePending) {
  const Space space = test::synthetic_space();
  const auto valid = space.enumerate();
  for (const auto& name : strategy_names()) {
    auto s = make_strategy(name, space, valid, 4);
    test::SyntheticEvaluator evaluator(space);
    std::set<Config> told, out;
    for (std::size_t i = 0; i < valid.size() && told.size() < 12; i += 5) {
      s->tell(valid[i], evaluator.evaluate(valid[i]));
      told.insert(valid[i]);
    }
    auto first = s->propose(6);
    auto second = s->propose(4);  // nothing told in between
    ASSERT_EQ(first.size(), 6u) << name;
    ASSERT_EQ(second.size(), 4u) << name;
    first.insert(first.end(), second.begin(), second.end());
    for (const auto& c : first) {
      if (name != "exhaustive") {
        EXPECT_FALSE(told.contains(c)) << name;
      }
      EXPECT_TRUE(out.insert(c).second) << name << " proposed twice: " << space.canonical(c);
    }
    // Told in reverse order; what comes next is new.
    for (auto it = first.rbegin(); it != first.rend(); ++it)
      s->tell(*it, evaluator.evaluate(*it));
    for (const auto& c : s->propose(8))
      EXPECT_FALSE(out.contains(c)) << name;
  }
}

TEST(StrategyBatches, EveryStrategyCoversTheSpaceOnceInBatches) {
  const Space space = test::synthetic_space();
  const auto valid = space.enumerate();
  for (const auto& name : strategy_names()) {
    const auto proposed = run_batched(name, 2, 4, valid.size() + 10);
    EXPECT_EQ(proposed.size(), valid.size()) << name;
    EXPECT_EQ(std::set<Config>(proposed.begin(), proposed.end()).size(), valid.size()) << name;
  }
}

TEST(StrategyBatches, NothingIsLeftWhenTheRestIsPending) {
  const Space space = test::synthetic_space();
  const auto valid = space.enumerate();
  for (const auto& name : strategy_names()) {
    auto s = make_strategy(name, space, valid, 1);
    test::SyntheticEvaluator evaluator(space);
    auto all = s->propose(valid.size() + 5);
    EXPECT_EQ(all.size(), valid.size()) << name;
    EXPECT_FALSE(s->next()) << name;
    EXPECT_TRUE(s->propose(3).empty()) << name;
    for (const auto& c : all)
      s->tell(c, evaluator.evaluate(c));
    EXPECT_FALSE(s->next()) << name;
  }
}

TEST(StrategyBatches, DeterministicBySeed) {
  for (const auto& name : strategy_names()) {
    const auto a = run_batched(name, 42, 4, 60);
    EXPECT_EQ(a, run_batched(name, 42, 4, 60)) << name;
    if (name != "exhaustive") {
      EXPECT_NE(a, run_batched(name, 43, 4, 60)) << name << " ignores its seed";
    }
  }
}

TEST(StrategyBatches, PrepareNeverChangesWhatIsProposed) {
  for (const auto& name : strategy_names())
    for (std::size_t batch : {1, 4}) {
      EXPECT_EQ(run_batched(name, 9, batch, 120, false), run_batched(name, 9, batch, 120, true))
          << name << " batch " << batch;
    }
}

TEST(StrategyBatches, SearchingStrategiesStillFindTheOptimumInBatches) {
  const Space space = test::synthetic_space();
  const Config best = optimum(space);
  for (const char* name : {"auto", "bayes", "genetic", "annealing"}) {
    std::size_t found = 0;
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      const auto proposed = run_batched(name, seed, 4, 150);
      if (std::find(proposed.begin(), proposed.end(), best) != proposed.end()) ++found;
    }
    EXPECT_GE(found, 4u) << name << " found the optimum in " << found << " of 5 runs";
  }
}

}  // namespace
}  // namespace ktune::tuner
