#pragma once
// The model as the model-guided strategies use it: what was seen in, expected improvement
// out. A Gaussian process on the log of the objective (the slow tail compressed beyond the
// median), fitted on at most `max_training` points: all seen, or the best half and the latest.
//
// Kept up to date point by point, because refitting it for every proposal and scoring every
// candidate from scratch cost tens of milliseconds a proposal (docs/benchmarks/strategies.md):
//   - the candidates are a pool of points (every point of a small space; a fixed random sample
//     of a large one, and the points the strategy asks about), and for each the model keeps
//     its kernel to every training point and how much of its prior variance the training
//     points explain;
//   - a training point joining or leaving updates those, and the inverse of the training
//     kernel matrix, by one rank-one step (one pass over the pool), so a proposal costs a few
//     passes instead of a factorisation and a triangular solve per candidate; everything is
//     recomputed from scratch every `refresh_every` steps and whenever a step is
//     ill-conditioned;
//   - the hyperparameters are refitted on a growing schedule only (every 20% more evaluations),
//     each time on the first `threshold` evaluations told, so a refit gives the same result
//     whenever it is computed; then everything is recomputed.
// Pending points (proposed, not yet told) join the training set at the best value seen (a
// constant liar, Ginsbourger et al. 2010), so proposals made together spread out; when one
// is told only its target changes.
//
// prepare() does ahead of time the part of the next update() that does not depend on values
// still to be told (the refits that are due, the recomputations, the kernel of the points
// about to join); update() gives exactly the same model whether prepare() ran before or not.
#include <cstddef>
#include <optional>
#include <unordered_map>
#include <vector>

#include "space/space_index.hpp"
#include "tuner/strategies/gaussian_process.hpp"
#include "tuner/strategies/observations.hpp"

namespace ktune::tuner {

// What a pending point counts as until it is told.
enum class Lie {
  best,      // the best value seen: pulls the next proposals towards it
  believer,  // the model's own prediction there ("kriging believer"): only the uncertainty
             // there shrinks, so the next proposals look elsewhere
  worst,     // the worst value seen: pushes the next proposals away
};

class Surrogate {
 public:
  // The pool is every point of the index when it has at most `pool_limit`, else empty until
  // set_pool(). The first hyperparameter fit happens once `first_fit` evaluations were told
  // (and one of them correct).
  Surrogate(const SpaceIndex& index, std::size_t max_training, std::size_t pool_limit,
            std::size_t first_fit, Lie lie = Lie::believer, std::size_t refresh_every = 64);

  // The points the model keeps candidates' state for; others join when asked about.
  void set_pool(std::vector<std::size_t> points);

  // The work of the next update() that does not depend on values still to be told.
  void prepare(const Observations& seen, const std::vector<std::size_t>& pending);
  // Conditions the model on what was seen and on `pending` at the best value seen. False when
  // nothing correct was seen yet (no model).
  bool update(const Observations& seen, const std::vector<std::size_t>& pending);

  // The point (an index into `points`) with the largest expected improvement over the best
  // seen, the first of equals. Points outside the pool join it.
  std::size_t best_expected_improvement(const std::vector<std::size_t>& points, double exploration);

  // The posterior mean and standard deviation at `point` (in log units; for tests).
  std::pair<double, double> posterior(std::size_t point);

 private:
  using RowMatrix = GaussianProcess::RowMatrix;
  static constexpr std::size_t kEmpty = static_cast<std::size_t>(-1);

  // The training points chosen among the first `told` evaluations, at most `cap`.
  std::vector<std::size_t> training_points(const Observations& seen, std::size_t told,
                                           std::size_t cap) const;
  // Targets for `points` as the model sees them, judged against the first `told` evaluations.
  Eigen::VectorXd targets(const Observations& seen, std::size_t told,
                          const std::vector<std::size_t>& points) const;
  std::vector<std::size_t> wanted(const Observations& seen,
                                  const std::vector<std::size_t>& pending) const;
  // Runs the hyperparameter fits that are due.
  void refit_due(const Observations& seen);
  // Brings the state up to date with the hyperparameters and the step count: the common part
  // of prepare() and update().
  bool catch_up(const Observations& seen);

  // Everything from scratch for the current hyperparameters, pool and training slots.
  void rebuild();
  // The inverse and the explained variances from scratch.
  void refresh();
  void remove_slot(std::size_t slot);
  void add_to_slot(std::size_t point, std::size_t slot, Eigen::VectorXd column);

  void scaled_features(std::size_t point, double* out) const;
  // The kernel between every pool point and `point`.
  Eigen::VectorXd column(std::size_t point) const;
  std::size_t pool_rows() const { return pool_is_index_ ? index_.size() : pool_.size(); }
  // The pool row of `point`, which joins the pool if it is not in it.
  std::size_t row_of(std::size_t point);
  void reserve_rows(std::size_t rows);

  const SpaceIndex& index_;
  std::size_t max_training_;
  std::size_t first_fit_;
  Lie lie_;
  std::size_t refresh_every_;  // incremental steps between recomputations from scratch
  GaussianProcess gp_;

  std::optional<std::size_t> next_fit_;  // evaluations told at the next hyperparameter fit
  bool stale_ = true;                    // rebuild() due
  bool broken_ = false;                  // an incremental step was ill-conditioned: refresh()
  std::size_t steps_ = 0;                // incremental steps since the last refresh()

  // The pool: its points, their scaled features, kernel to each training slot, and the part
  // of their prior variance the training points explain (k' K^-1 k).
  std::vector<std::size_t> pool_;
  bool pool_is_index_;  // the pool is every point, row = point
  std::unordered_map<std::size_t, std::size_t> pool_row_;
  RowMatrix scaled_pool_;
  Eigen::VectorXd pool_norms_;  // squared norms of the scaled features
  RowMatrix rows_;              // pool rows x max_training
  Eigen::VectorXd explained_;

  // The training slots: a point each (kEmpty for a hole), their kernel matrix, and the
  // inverse of it plus noise over the occupied slots (zero rows and columns at holes).
  std::vector<std::size_t> slot_point_;
  std::size_t used_ = 0;  // slots [0, used_) may be occupied
  std::unordered_map<std::size_t, std::size_t> slot_of_;
  RowMatrix scaled_slots_;
  Eigen::MatrixXd K_;
  Eigen::MatrixXd K_inv_;
  double diagonal_ = 0;  // noise (and jitter) on the diagonal of the inverted matrix
  Eigen::VectorXd alpha_;
  double y_mean_ = 0, y_scale_ = 1, best_log_ = 0;
  std::unordered_map<std::size_t, Eigen::VectorXd> prepared_;  // columns of points to join
};

}  // namespace ktune::tuner
