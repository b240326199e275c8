#pragma once
// The performance score of Willemsen, van Nieuwpoort and van Werkhoven, "A methodology for
// comparing optimization algorithms for auto-tuning" (FGCS 2024), as their reference
// implementation (AutoTuningAssociation/autotuning_methodology) computes it, so that our
// figures compare with published ones:
//   - the time budget of a search space runs from the time random search needs (in
//     expectation) to get `cutoff_start` of the way from the median configuration to the
//     optimum, to the time it needs to get `cutoff_end` of the way; a configuration costs its
//     recorded compile, benchmark, verification and framework time, and the strategy's own
//     time is counted as it is spent;
//   - the baseline is random search without replacement, calculated (not sampled): the
//     expected best after M evaluations is the value of rank round(M (N+1) / (M+1)) from the
//     worst of the N correct configurations, over time at the mean time an evaluation costs;
//   - a strategy's curve is the best found over time, fitted over all its runs at once by
//     isotonic regression on the rank of the best value among the correct configurations;
//   - the standardised curve is (strategy - random) / (optimum - random): 0 is random search,
//     1 the optimum from the start; the score is its mean over the time budget (sampled at
//     `resolution` points), and over search spaces the mean of the spaces' scores.
// Deviations from the reference, all deliberate: the curve is one isotonic fit of all points
// where the reference averages fits over bootstrap samples (the mean it estimates, without its
// unseeded randomness), and only the runs' own evaluations are used (no cache of repeats).
#include <cstddef>
#include <vector>

#include "bench/strategies/recorded_space.hpp"
#include "bench/strategies/replay_lanes.hpp"

namespace ktune::bench {

struct MethodologyOptions {
  // The settings of the paper's own evaluation (experiment_files/methodology_paper_evaluation
  // in their repository): from halfway between the median and the optimum to 96% of the way.
  double cutoff_start = 0.5;
  double cutoff_end = 0.96;
  std::size_t resolution = 1000;
};

class MethodologyScore {
 public:
  explicit MethodologyScore(const RecordedSpace& space, MethodologyOptions options = {});

  // The time budget (seconds).
  double start_seconds() const { return times_.front(); }
  double end_seconds() const { return times_.back(); }
  // Random search's expected best (ms) over the budget, at the sample times.
  const std::vector<double>& random_curve() const { return random_; }
  // A strategy's best found (ms) over the budget, fitted over its runs.
  std::vector<double> strategy_curve(const std::vector<std::vector<TracePoint>>& runs) const;
  // The mean of the standardised curve.
  double score(const std::vector<std::vector<TracePoint>>& runs) const;

 private:
  std::vector<double> sorted_;  // objective (ms) of every correct configuration, best first
  double optimum_ = 0;
  std::vector<double> times_;  // the sample times of the budget
  std::vector<double> random_;
};

// Monotone piecewise-cubic interpolation (Fritsch-Carlson, as scipy's PchipInterpolator) of
// points with increasing x, at `at`.
std::vector<double> pchip(const std::vector<double>& x, const std::vector<double>& y,
                          const std::vector<double>& at);

// Isotonic (non-increasing) least-squares fit of y over x, evaluated at `at` by linear
// interpolation between the fitted points and held constant beyond them (as scikit-learn's
// IsotonicRegression with out_of_bounds="clip").
std::vector<double> isotonic_decreasing(std::vector<std::pair<double, double>> points,
                                        const std::vector<double>& at);

}  // namespace ktune::bench
