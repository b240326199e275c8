#include "tuner/strategies/bayesian.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

namespace ktune::tuner {
namespace {

double expected_improvement_of(double gain, double sd) {
  const double z = gain / sd;
  const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
  const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2.0 * 3.141592653589793);
  return gain * cdf + sd * pdf;
}

}  // namespace

std::size_t initial_design_size(const SpaceIndex& index) {
  return std::max<std::size_t>(8, index.varying().size() + 2);
}

std::size_t spread_point(const SpaceIndex& index, const Observations& seen, Rng& rng,
                         std::size_t tries) {
  std::size_t best = seen.random_unvisited(rng);
  if (seen.count() == 0) return best;
  double best_distance = -1;
  const auto& varying = index.varying();
  for (std::size_t t = 0; t < tries; ++t) {
    const std::size_t c = t == 0 ? best : seen.random_unvisited(rng);
    double nearest = std::numeric_limits<double>::infinity();
    for (auto s : seen.order()) {
      double d2 = 0;
      for (auto p : varying) {
        const double a = static_cast<double>(index.position(c, p)) / (index.levels(p) - 1);
        const double b = static_cast<double>(index.position(s, p)) / (index.levels(p) - 1);
        d2 += (a - b) * (a - b);
      }
      nearest = std::min(nearest, d2);
    }
    if (nearest > best_distance) {
      best_distance = nearest;
      best = c;
    }
  }
  return best;
}

std::vector<std::size_t> candidate_points(const SpaceIndex& index, const Observations& seen,
                                          Rng& rng, std::size_t limit) {
  if (seen.remaining() <= limit) return seen.unvisited();
  std::unordered_set<std::size_t> chosen;
  for (auto p : seen.ranked(8))
    for (auto q : index.neighbours(p, Neighbourhood::hamming))
      if (!seen.visited(q)) chosen.insert(q);
  while (chosen.size() < limit)
    chosen.insert(seen.random_unvisited(rng));
  std::vector<std::size_t> points(chosen.begin(), chosen.end());
  std::sort(points.begin(), points.end());  // independent of the hash table's order
  return points;
}

Eigen::MatrixXd Surrogate::features(const std::vector<std::size_t>& points) const {
  // Row-major, so each point's features are contiguous.
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> X(
      static_cast<Eigen::Index>(points.size()), static_cast<Eigen::Index>(index_.feature_count()));
  for (std::size_t i = 0; i < points.size(); ++i)
    index_.features(points[i], X.row(static_cast<Eigen::Index>(i)).data());
  return X;
}

bool Surrogate::update(const Observations& seen) {
  if (!seen.best() || index_.varying().empty()) return false;
  // Training points: all seen, or the best half and the most recent ones when too many.
  std::vector<std::size_t> points;
  if (seen.count() <= max_training_) {
    points = seen.order();
  } else {
    points = seen.ranked(max_training_ / 2);
    std::unordered_set<std::size_t> in(points.begin(), points.end());
    const auto& order = seen.order();
    for (std::size_t i = order.size(); i-- > 0 && points.size() < max_training_;)
      if (in.insert(order[i]).second) points.push_back(order[i]);
  }
  double worst = -std::numeric_limits<double>::infinity();
  for (auto p : seen.order())
    if (auto v = seen.objective(p)) worst = std::max(worst, std::log(*v));
  Eigen::VectorXd y(static_cast<Eigen::Index>(points.size()));
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto v = seen.objective(points[i]);
    y[static_cast<Eigen::Index>(i)] = v ? std::log(*v) : worst;
  }
  best_log_ = std::log(*seen.objective(*seen.best()));
  // The slowest configurations of GPU kernels are often tens of times slower than the rest;
  // on a log scale they would still dominate the fit. Beyond the median, compress again
  // (log1p of the excess), so the model spends its flexibility where the good points are.
  std::vector<double> sorted(y.data(), y.data() + y.size());
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[(sorted.size() - 1) / 2];
  for (Eigen::Index i = 0; i < y.size(); ++i)
    if (y[i] > median) y[i] = median + std::log1p(y[i] - median);
  const std::size_t n = seen.count();
  const bool optimise =
      optimised_at_ == 0 || n >= optimised_at_ + std::max<std::size_t>(5, optimised_at_ / 5);
  if (optimise) optimised_at_ = n;
  gp_.fit(features(points), y, optimise);
  return true;
}

std::size_t Surrogate::best_expected_improvement(const std::vector<std::size_t>& points,
                                                 double exploration) const {
  const Eigen::MatrixXd Ks = gp_.cross_covariance(features(points));
  const Eigen::VectorXd mean = gp_.mean_from(Ks);
  const double prior = gp_.prior_sd();
  std::vector<double> bound(points.size());
  std::vector<std::size_t> order(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    bound[i] = expected_improvement_of(best_log_ - mean[static_cast<Eigen::Index>(i)] - exploration,
                                       prior);
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return bound[a] > bound[b]; });
  std::size_t best = order.empty() ? 0 : order.front();
  double best_ei = -1;
  constexpr std::size_t kBlock = 64;
  for (std::size_t start = 0; start < order.size(); start += kBlock) {
    if (bound[order[start]] <= best_ei) break;
    const std::size_t end = std::min(order.size(), start + kBlock);
    Eigen::MatrixXd block(static_cast<Eigen::Index>(end - start), Ks.cols());
    for (std::size_t k = start; k < end; ++k)
      block.row(static_cast<Eigen::Index>(k - start)) = Ks.row(static_cast<Eigen::Index>(order[k]));
    const Eigen::VectorXd sd = gp_.sd_from(block);
    for (std::size_t k = start; k < end; ++k) {
      const std::size_t i = order[k];
      const double ei =
          expected_improvement_of(best_log_ - mean[static_cast<Eigen::Index>(i)] - exploration,
                                  sd[static_cast<Eigen::Index>(k - start)]);
      if (ei > best_ei || (ei == best_ei && i < best)) {
        best_ei = ei;
        best = i;
      }
    }
  }
  return best;
}

BayesianStrategy::BayesianStrategy(std::shared_ptr<const SpaceIndex> index, std::uint64_t seed,
                                   BayesianOptions options, std::string name)
    : IndexedStrategy(std::move(index), seed),
      options_(options),
      name_(std::move(name)),
      surrogate_(this->index(), options.max_training) {
  if (options_.initial == 0) options_.initial = initial_design_size(this->index());
}

std::vector<std::size_t> BayesianStrategy::local_candidates() const {
  std::unordered_set<std::size_t> near;
  std::size_t used = 0;
  for (auto p : seen().ranked(seen().count())) {
    bool any = false;
    for (auto q : index().neighbours(p, Neighbourhood::hamming))
      if (!seen().visited(q)) {
        near.insert(q);
        any = true;
      }
    if (any && ++used == options_.local_top) break;
  }
  std::vector<std::size_t> points(near.begin(), near.end());
  std::sort(points.begin(), points.end());  // independent of the hash table's order
  return points;
}

std::size_t BayesianStrategy::propose() {
  if (seen().count() < options_.initial || !surrogate_.update(seen()))
    return spread_point(index(), seen(), rng());
  ++step_;
  std::vector<std::size_t> points;
  if (options_.local_every && step_ % options_.local_every == 0) points = local_candidates();
  if (points.empty()) points = candidate_points(index(), seen(), rng(), options_.candidates);
  return points[surrogate_.best_expected_improvement(points, options_.exploration)];
}

}  // namespace ktune::tuner
