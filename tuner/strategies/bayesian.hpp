#pragma once
// Bayesian optimisation: a Gaussian process models the log of the objective over the points'
// features; the next point is the unvisited one with the largest expected improvement.
// Failed points are modelled as bad as the worst correct one, which steers the search away
// from failing regions. A space-filling random design comes first.
#include "tuner/strategies/gaussian_process.hpp"
#include "tuner/strategies/indexed_strategy.hpp"

namespace ktune::tuner {

struct BayesianOptions {
  std::size_t initial = 0;          // random design; 0: max(8, varying parameters + 2)
  std::size_t candidates = 20'000;  // unvisited points scored per step (a random subset if more)
  std::size_t max_training = 200;   // points the model is fitted on (the best half and the latest)
  double exploration = 0.01;        // xi: gains (in log units) below which EI ignores a point
  // Every n-th model-driven proposal is chosen among the unvisited neighbours of the best
  // `local_top` points whose neighbourhoods are not exhausted (0: never; see auto.hpp).
  std::size_t local_every = 0;
  std::size_t local_top = 5;
};

// The model as the strategies use it: what was seen in, expected improvement out. The target
// is the log of the objective with the slow tail compressed beyond the median.
class Surrogate {
 public:
  Surrogate(const SpaceIndex& index, std::size_t max_training)
      : index_(index), max_training_(max_training) {}
  // Refits on what was seen (the hyperparameters are re-optimised on a growing schedule).
  // False when nothing correct was seen yet.
  bool update(const Observations& seen);
  // The point (an index into `points`) with the largest expected improvement over the best
  // seen, the first of equals. Deviations are computed only for points whose improvement could
  // still win (EI grows with the deviation, which the prior bounds), which spares most of the
  // cost on large candidate sets.
  std::size_t best_expected_improvement(const std::vector<std::size_t>& points,
                                        double exploration) const;

 private:
  Eigen::MatrixXd features(const std::vector<std::size_t>& points) const;
  const SpaceIndex& index_;
  std::size_t max_training_;
  GaussianProcess gp_;
  std::size_t optimised_at_ = 0;
  double best_log_ = 0;
};

class BayesianStrategy final : public IndexedStrategy {
 public:
  BayesianStrategy(std::shared_ptr<const SpaceIndex> index, std::uint64_t seed,
                   BayesianOptions options = {}, std::string name = "bayes");
  std::string name() const override { return name_; }

 protected:
  std::size_t propose() override;

 private:
  std::vector<std::size_t> local_candidates() const;

  BayesianOptions options_;
  std::string name_;
  Surrogate surrogate_;
  std::size_t step_ = 0;  // model-driven proposals so far
};

// The size of the random design before a model is fitted.
std::size_t initial_design_size(const SpaceIndex& index);
// A point far from those seen: the best of `tries` random unvisited points by distance to the
// nearest seen one (a cheap space-filling design).
std::size_t spread_point(const SpaceIndex& index, const Observations& seen, Rng& rng,
                         std::size_t tries = 32);
// Unvisited points to score: all of them when at most `limit`, else a random subset plus the
// unvisited neighbours of the best points seen.
std::vector<std::size_t> candidate_points(const SpaceIndex& index, const Observations& seen,
                                          Rng& rng, std::size_t limit);

}  // namespace ktune::tuner
