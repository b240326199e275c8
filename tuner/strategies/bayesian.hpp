#pragma once
// Bayesian optimisation: a Gaussian process models the log of the objective over the points'
// features (surrogate.hpp); the next point is the free one with the largest expected
// improvement. Failed points are modelled as bad as the worst correct one, which steers the
// search away from failing regions. A space-filling random design comes first. Pending points
// count as the model's own prediction there (kriging believer, surrogate.hpp), and a local
// proposal skips the best points whose neighbourhood a pending proposal is already combing, so
// a batch spreads out.
#include <unordered_set>

#include "tuner/strategies/indexed_strategy.hpp"
#include "tuner/strategies/surrogate.hpp"

namespace ktune::tuner {

struct BayesianOptions {
  std::size_t initial = 0;  // random design; 0: max(8, varying parameters + 2)
  // Points scored per global step: every free point when the space has at most this many,
  // else a fixed random sample of this many (drawn again when half of it is evaluated) and the
  // free neighbours of the best points.
  std::size_t candidates = 20000;
  std::size_t max_training = 200;  // points the model is fitted on (the best half and the latest)
  double exploration = 0.01;       // xi: gains (in log units) below which EI ignores a point
  // Every n-th model-driven proposal is chosen among the free neighbours of the best
  // `local_top` points whose neighbourhoods are not exhausted (0: never; see auto.hpp).
  std::size_t local_every = 0;
  std::size_t local_top = 5;
  Lie lie = Lie::believer;  // what pending points count as (surrogate.hpp)
};

class BayesianStrategy final : public IndexedStrategy {
 public:
  BayesianStrategy(std::shared_ptr<const SpaceIndex> index, std::uint64_t seed,
                   BayesianOptions options = {}, std::string name = "bayes");
  std::string name() const override { return name_; }
  void prepare() override { surrogate_.prepare(seen(), pending()); }

 protected:
  std::size_t choose() override;

 private:
  std::vector<std::size_t> local_candidates() const;
  // Whether a pending point is a neighbour of `point`.
  bool is_explored(std::size_t point, const std::unordered_set<std::size_t>& in_flight) const;
  std::vector<std::size_t> global_candidates() const;
  void refresh_pool();
  // A point far from those seen and pending: the best of `tries` random free points by
  // distance to the nearest of them (a cheap space-filling design).
  std::size_t spread_point(std::size_t tries = 32);

  BayesianOptions options_;
  std::string name_;
  Surrogate surrogate_;
  std::size_t step_ = 0;           // model-driven proposals so far
  std::vector<std::size_t> pool_;  // the global candidates of a space too large to score whole
};

// The size of the random design before a model is fitted.
std::size_t initial_design_size(const SpaceIndex& index);

}  // namespace ktune::tuner
