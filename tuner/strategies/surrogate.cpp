#include "tuner/strategies/surrogate.hpp"

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

Surrogate::Surrogate(const SpaceIndex& index, std::size_t max_training, std::size_t pool_limit,
                     std::size_t first_fit, Lie lie, std::size_t refresh_every)
    : index_(index),
      max_training_(std::max<std::size_t>(2, max_training)),
      first_fit_(first_fit),
      lie_(lie),
      refresh_every_(std::max<std::size_t>(1, refresh_every)),
      pool_is_index_(index.size() <= pool_limit) {}

void Surrogate::set_pool(std::vector<std::size_t> points) {
  pool_ = std::move(points);
  pool_is_index_ = false;
  pool_row_.clear();
  for (std::size_t i = 0; i < pool_.size(); ++i)
    pool_row_.emplace(pool_[i], i);
  stale_ = true;
  prepared_.clear();
}

std::vector<std::size_t> Surrogate::training_points(const Observations& seen, std::size_t told,
                                                    std::size_t cap) const {
  const auto& order = seen.order();
  told = std::min(told, order.size());
  if (told <= cap) return {order.begin(), order.begin() + static_cast<std::ptrdiff_t>(told)};
  // The best half and the most recent.
  std::vector<std::size_t> points;
  for (std::size_t i = 0; i < told; ++i)
    if (seen.objective(order[i])) points.push_back(order[i]);
  const std::size_t best = std::min(cap / 2, points.size());
  std::partial_sort(points.begin(), points.begin() + static_cast<std::ptrdiff_t>(best),
                    points.end(), [&](std::size_t a, std::size_t b) {
                      const double va = *seen.objective(a), vb = *seen.objective(b);
                      return va != vb ? va < vb : a < b;
                    });
  points.resize(best);
  std::unordered_set<std::size_t> in(points.begin(), points.end());
  for (std::size_t i = told; i-- > 0 && points.size() < cap;)
    if (in.insert(order[i]).second) points.push_back(order[i]);
  return points;
}

Eigen::VectorXd Surrogate::targets(const Observations& seen, std::size_t told,
                                   const std::vector<std::size_t>& points) const {
  double worst = -std::numeric_limits<double>::infinity();
  const auto& order = seen.order();
  for (std::size_t i = 0; i < told && i < order.size(); ++i)
    if (auto v = seen.objective(order[i])) worst = std::max(worst, std::log(*v));
  Eigen::VectorXd y(static_cast<Eigen::Index>(points.size()));
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto v = seen.objective(points[i]);
    y[static_cast<Eigen::Index>(i)] = v ? std::log(*v) : worst;
  }
  // The slowest configurations of GPU kernels are often tens of times slower than the rest;
  // on a log scale they would still dominate the fit. Beyond the median, compress again
  // (log1p of the excess), so the model spends its flexibility where the good points are.
  std::vector<double> sorted(y.data(), y.data() + y.size());
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[(sorted.size() - 1) / 2];
  for (Eigen::Index i = 0; i < y.size(); ++i)
    if (y[i] > median) y[i] = median + std::log1p(y[i] - median);
  return y;
}

std::vector<std::size_t> Surrogate::wanted(const Observations& seen,
                                           const std::vector<std::size_t>& pending) const {
  const std::size_t lies = std::min(pending.size(), max_training_ / 2);
  auto points = training_points(seen, seen.count(), max_training_ - lies);
  points.insert(points.end(), pending.end() - static_cast<std::ptrdiff_t>(lies), pending.end());
  return points;
}

void Surrogate::refit_due(const Observations& seen) {
  if (!next_fit_) {
    // The first fit: once `first_fit_` evaluations were told and one of them was correct.
    const auto& order = seen.order();
    std::size_t first_correct = 0;
    while (first_correct < order.size() && !seen.objective(order[first_correct]))
      ++first_correct;
    if (first_correct == order.size()) return;
    next_fit_ = std::max(first_fit_, first_correct + 1);
  }
  while (*next_fit_ <= seen.count()) {
    const std::size_t told = *next_fit_;
    const auto points = training_points(seen, told, max_training_);
    Eigen::MatrixXd X(static_cast<Eigen::Index>(points.size()),
                      static_cast<Eigen::Index>(index_.feature_count()));
    std::vector<double> row(index_.feature_count());
    for (std::size_t i = 0; i < points.size(); ++i) {
      index_.features(points[i], row.data());
      for (std::size_t k = 0; k < row.size(); ++k)
        X(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)) = row[k];
    }
    gp_.optimise(X, targets(seen, told, points));
    next_fit_ = told + std::max<std::size_t>(5, told / 5);
    stale_ = true;
    prepared_.clear();
  }
}

bool Surrogate::catch_up(const Observations& seen) {
  if (!seen.best() || index_.varying().empty()) return false;
  refit_due(seen);
  if (!gp_.has_hyper()) return false;
  if (stale_)
    rebuild();
  else if (steps_ >= refresh_every_)
    refresh();
  return true;
}

void Surrogate::scaled_features(std::size_t point, double* out) const {
  index_.features(point, out);
  const Eigen::RowVectorXd inv = gp_.inverse_lengthscales();
  for (Eigen::Index k = 0; k < inv.size(); ++k)
    out[k] *= inv[k];
}

void Surrogate::reserve_rows(std::size_t rows) {
  const auto have = static_cast<std::size_t>(rows_.rows());
  if (have >= rows && rows_.cols() == static_cast<Eigen::Index>(max_training_)) return;
  const auto capacity = static_cast<Eigen::Index>(std::max({rows, 2 * have, std::size_t{64}}));
  const auto d = static_cast<Eigen::Index>(index_.feature_count());
  const auto slots = static_cast<Eigen::Index>(max_training_);
  const auto old = static_cast<Eigen::Index>(have);
  rows_.conservativeResize(capacity, slots);
  scaled_pool_.conservativeResize(capacity, d);
  pool_norms_.conservativeResize(capacity);
  explained_.conservativeResize(capacity);
  // Holes are multiplied by zeros: they must hold finite values.
  rows_.bottomRows(capacity - old).setZero();
  scaled_pool_.bottomRows(capacity - old).setZero();
  pool_norms_.tail(capacity - old).setZero();
  explained_.tail(capacity - old).setZero();
}

void Surrogate::rebuild() {
  const auto d = static_cast<Eigen::Index>(index_.feature_count());
  const auto slots = static_cast<Eigen::Index>(max_training_);
  if (slot_point_.empty()) {
    slot_point_.assign(max_training_, kEmpty);
    scaled_slots_ = RowMatrix::Zero(slots, d);
    K_ = Eigen::MatrixXd::Zero(slots, slots);
    K_inv_ = Eigen::MatrixXd::Zero(slots, slots);
    alpha_ = Eigen::VectorXd::Zero(slots);
  }
  const std::size_t rows = pool_rows();
  reserve_rows(rows);
  const auto P = static_cast<Eigen::Index>(rows);
  for (Eigen::Index i = 0; i < P; ++i)
    scaled_features(
        pool_is_index_ ? static_cast<std::size_t>(i) : pool_[static_cast<std::size_t>(i)],
        scaled_pool_.row(i).data());
  pool_norms_.head(P) = scaled_pool_.topRows(P).rowwise().squaredNorm();
  const auto used = static_cast<Eigen::Index>(used_);
  for (Eigen::Index j = 0; j < used; ++j)
    if (slot_point_[static_cast<std::size_t>(j)] != kEmpty)
      scaled_features(slot_point_[static_cast<std::size_t>(j)], scaled_slots_.row(j).data());
  if (used > 0) {
    // Blocks of pool rows x slots: one product for the distances, then the kernel.
    const Eigen::VectorXd slot_norms = scaled_slots_.topRows(used).rowwise().squaredNorm();
    constexpr Eigen::Index kBlock = 256;
    Eigen::MatrixXd block;
    for (Eigen::Index from = 0; from < P; from += kBlock) {
      const Eigen::Index n = std::min(kBlock, P - from);
      block.noalias() =
          -2.0 * scaled_pool_.middleRows(from, n) * scaled_slots_.topRows(used).transpose();
      block.colwise() += pool_norms_.segment(from, n);
      block.rowwise() += slot_norms.transpose();
      gp_.covariance_of_squared(Eigen::Map<Eigen::ArrayXd>(block.data(), block.size()));
      rows_.block(from, 0, n, used) = block;
    }
  }
  for (Eigen::Index j = 0; j < used; ++j)
    for (Eigen::Index i = 0; i <= j; ++i) {
      const bool both = slot_point_[static_cast<std::size_t>(i)] != kEmpty &&
                        slot_point_[static_cast<std::size_t>(j)] != kEmpty;
      K_(i, j) = K_(j, i) =
          both ? gp_.scaled_covariance(scaled_slots_.row(i).data(), scaled_slots_.row(j).data(), d)
               : 0.0;
    }
  stale_ = false;
  refresh();
}

void Surrogate::refresh() {
  std::vector<Eigen::Index> occupied;
  for (std::size_t j = 0; j < used_; ++j)
    if (slot_point_[j] != kEmpty) occupied.push_back(static_cast<Eigen::Index>(j));
  const auto a = static_cast<Eigen::Index>(occupied.size());
  Eigen::MatrixXd K(a, a);
  for (Eigen::Index i = 0; i < a; ++i)
    for (Eigen::Index j = 0; j < a; ++j)
      K(i, j) = K_(occupied[static_cast<std::size_t>(i)], occupied[static_cast<std::size_t>(j)]);
  diagonal_ = gp_.noise();
  K.diagonal().array() += diagonal_;
  Eigen::LLT<Eigen::MatrixXd> llt(K);
  // A nearly singular matrix (duplicate inputs, tiny noise): add jitter until it factorises.
  double jitter = 1e-8;
  while (llt.info() != Eigen::Success && jitter < 1) {
    K.diagonal().array() += jitter;
    diagonal_ += jitter;
    llt.compute(K);
    jitter *= 10;
  }
  const Eigen::MatrixXd inverse = llt.solve(Eigen::MatrixXd::Identity(a, a));
  K_inv_.setZero();
  for (Eigen::Index i = 0; i < a; ++i)
    for (Eigen::Index j = 0; j < a; ++j)
      K_inv_(occupied[static_cast<std::size_t>(i)], occupied[static_cast<std::size_t>(j)]) =
          inverse(i, j);
  // k' K^-1 k for every pool row: the squared norm of L^-1 k.
  const auto P = static_cast<Eigen::Index>(pool_rows());
  Eigen::MatrixXd V(a, P);
  for (Eigen::Index i = 0; i < a; ++i)
    V.row(i) = rows_.col(occupied[static_cast<std::size_t>(i)]).head(P).transpose();
  llt.matrixL().solveInPlace(V);
  explained_.head(P) = V.colwise().squaredNorm().transpose();
  steps_ = 0;
  broken_ = false;
}

Eigen::VectorXd Surrogate::column(std::size_t point) const {
  std::vector<double> s(index_.feature_count());
  scaled_features(point, s.data());
  const Eigen::Map<const Eigen::VectorXd> x(s.data(), static_cast<Eigen::Index>(s.size()));
  const auto P = static_cast<Eigen::Index>(pool_rows());
  Eigen::VectorXd r2 = -2.0 * (scaled_pool_.topRows(P) * x);
  r2 += pool_norms_.head(P);
  r2.array() += x.squaredNorm();
  gp_.covariance_of_squared(r2.array());
  return r2;
}

void Surrogate::remove_slot(std::size_t slot) {
  const auto j = static_cast<Eigen::Index>(slot);
  const auto used = static_cast<Eigen::Index>(used_);
  const auto P = static_cast<Eigen::Index>(pool_rows());
  // Without training point j, every pool point's explained variance drops by
  // (e_j' K^-1 k)^2 / (K^-1)_jj, and the inverse by the same rank-one term.
  const double kappa = K_inv_(j, j);
  if (!broken_ && kappa > 0) {
    const Eigen::VectorXd u = K_inv_.col(j).head(used);
    const Eigen::VectorXd dots = rows_.topLeftCorner(P, used) * u;
    explained_.head(P).array() -= dots.array().square() / kappa;
    K_inv_.topLeftCorner(used, used).noalias() -= u * (u.transpose() / kappa);
  } else {
    broken_ = true;
  }
  K_inv_.row(j).setZero();
  K_inv_.col(j).setZero();
  slot_of_.erase(slot_point_[slot]);
  slot_point_[slot] = kEmpty;
  while (used_ > 0 && slot_point_[used_ - 1] == kEmpty)
    --used_;
  ++steps_;
}

void Surrogate::add_to_slot(std::size_t point, std::size_t slot, Eigen::VectorXd column) {
  const auto j = static_cast<Eigen::Index>(slot);
  const auto d = static_cast<Eigen::Index>(index_.feature_count());
  const auto used = static_cast<Eigen::Index>(std::max(used_, slot + 1));
  const auto P = static_cast<Eigen::Index>(pool_rows());
  scaled_features(point, scaled_slots_.row(j).data());
  for (Eigen::Index i = 0; i < used; ++i)
    K_(i, j) = K_(j, i) =
        i != j && slot_point_[static_cast<std::size_t>(i)] != kEmpty
            ? gp_.scaled_covariance(scaled_slots_.row(i).data(), scaled_slots_.row(j).data(), d)
            : 0.0;
  K_(j, j) = gp_.signal();
  if (!broken_) {
    // With the new point, the explained variance of a pool point grows by q^2 / gamma, where q
    // is its posterior covariance with the new point and gamma the new point's posterior
    // variance plus noise (the Schur complement); the inverse grows by a bordered block.
    const Eigen::VectorXd b = K_.col(j).head(used);
    const Eigen::VectorXd w = K_inv_.topLeftCorner(used, used) * b;  // zero at slot j
    const double whole = gp_.signal() + diagonal_;
    const double gamma = whole - b.dot(w);
    if (gamma > 1e-10 * whole) {
      const Eigen::VectorXd q = column - rows_.topLeftCorner(P, used) * w;
      explained_.head(P).array() += q.array().square() / gamma;
      K_inv_.topLeftCorner(used, used).noalias() += w * (w.transpose() / gamma);
      K_inv_.col(j).head(used) = -w / gamma;
      K_inv_.row(j).head(used) = -w.transpose() / gamma;
      K_inv_(j, j) = 1.0 / gamma;
    } else {
      broken_ = true;
    }
  }
  rows_.col(j).head(P) = column;
  slot_point_[slot] = point;
  slot_of_[point] = slot;
  used_ = static_cast<std::size_t>(used);
  ++steps_;
}

void Surrogate::prepare(const Observations& seen, const std::vector<std::size_t>& pending) {
  if (!catch_up(seen)) return;
  for (auto p : wanted(seen, pending))
    if (!slot_of_.contains(p) && !prepared_.contains(p)) prepared_.emplace(p, column(p));
}

bool Surrogate::update(const Observations& seen, const std::vector<std::size_t>& pending) {
  if (!catch_up(seen)) return false;
  // The training set: the chosen evaluations, then the pending points.
  const auto points = wanted(seen, pending);
  const std::unordered_set<std::size_t> wanted_set(points.begin(), points.end());
  for (std::size_t j = 0; j < used_; ++j)
    if (slot_point_[j] != kEmpty && !wanted_set.contains(slot_point_[j])) remove_slot(j);
  std::size_t hole = 0;
  const auto P = static_cast<Eigen::Index>(pool_rows());
  for (auto p : points) {
    if (slot_of_.contains(p)) continue;
    while (slot_point_[hole] != kEmpty)
      ++hole;
    auto it = prepared_.find(p);
    add_to_slot(
        p, hole,
        it != prepared_.end() && it->second.size() == P ? std::move(it->second) : column(p));
  }
  prepared_.clear();
  if (broken_) refresh();

  // Targets in slot order, standardised over the evaluations told; then the pending points'.
  best_log_ = std::log(*seen.objective(*seen.best()));
  const std::size_t lies = std::min(pending.size(), max_training_ / 2);
  const std::vector<std::size_t> told(points.begin(),
                                      points.end() - static_cast<std::ptrdiff_t>(lies));
  const Eigen::VectorXd y_told = targets(seen, seen.count(), told);
  std::tie(y_mean_, y_scale_) = standardisation(y_told);
  const auto used = static_cast<Eigen::Index>(used_);
  Eigen::VectorXd ys = Eigen::VectorXd::Zero(used);
  std::vector<Eigen::Index> real_slots, lie_slots;
  for (std::size_t i = 0; i < told.size(); ++i) {
    const auto j = static_cast<Eigen::Index>(slot_of_.at(told[i]));
    ys[j] = (y_told[static_cast<Eigen::Index>(i)] - y_mean_) / y_scale_;
    real_slots.push_back(j);
  }
  for (std::size_t i = told.size(); i < points.size(); ++i)
    lie_slots.push_back(static_cast<Eigen::Index>(slot_of_.at(points[i])));
  if (!lie_slots.empty()) {
    const Eigen::VectorXd y_real = ys(real_slots);
    Eigen::VectorXd lie_values;
    if (lie_ == Lie::believer) {
      // The mean given the told evaluations only: K_LR (K_RR + noise)^-1 y_R, with the inverse
      // of the told block taken from the whole inverse by its Schur complement.
      const Eigen::MatrixXd A_ll = K_inv_(lie_slots, lie_slots);
      const Eigen::VectorXd z =
          K_inv_(real_slots, real_slots) * y_real -
          K_inv_(real_slots, lie_slots) * A_ll.ldlt().solve(K_inv_(lie_slots, real_slots) * y_real);
      lie_values = K_(lie_slots, real_slots) * z;
    } else {
      lie_values =
          Eigen::VectorXd::Constant(static_cast<Eigen::Index>(lie_slots.size()),
                                    lie_ == Lie::best ? y_real.minCoeff() : y_real.maxCoeff());
    }
    ys(lie_slots) = lie_values;
  }
  alpha_.setZero();
  alpha_.head(used) = K_inv_.topLeftCorner(used, used) * ys;
  return true;
}

std::size_t Surrogate::row_of(std::size_t point) {
  if (pool_is_index_) return point;
  if (auto it = pool_row_.find(point); it != pool_row_.end()) return it->second;
  // Joins the pool: its kernel to the training points and what they explain of it.
  const std::size_t row = pool_.size();
  reserve_rows(row + 1);
  pool_.push_back(point);
  pool_row_.emplace(point, row);
  const auto r = static_cast<Eigen::Index>(row);
  const auto d = static_cast<Eigen::Index>(index_.feature_count());
  const auto used = static_cast<Eigen::Index>(used_);
  scaled_features(point, scaled_pool_.row(r).data());
  pool_norms_[r] = scaled_pool_.row(r).squaredNorm();
  for (Eigen::Index j = 0; j < used; ++j)
    rows_(r, j) =
        slot_point_[static_cast<std::size_t>(j)] != kEmpty
            ? gp_.scaled_covariance(scaled_pool_.row(r).data(), scaled_slots_.row(j).data(), d)
            : 0.0;
  const Eigen::VectorXd k = rows_.row(r).head(used).transpose();
  explained_[r] = k.dot(K_inv_.topLeftCorner(used, used) * k);
  return row;
}

std::pair<double, double> Surrogate::posterior(std::size_t point) {
  const auto r = static_cast<Eigen::Index>(row_of(point));
  const auto used = static_cast<Eigen::Index>(used_);
  const double mean = rows_.row(r).head(used).dot(alpha_.head(used)) * y_scale_ + y_mean_;
  const double sd = std::sqrt(std::max(gp_.signal() - explained_[r], 1e-12)) * y_scale_;
  return {mean, sd};
}

std::size_t Surrogate::best_expected_improvement(const std::vector<std::size_t>& points,
                                                 double exploration) {
  std::vector<std::size_t> rows(points.size());
  for (std::size_t i = 0; i < points.size(); ++i)
    rows[i] = row_of(points[i]);
  const auto used = static_cast<Eigen::Index>(used_);
  const auto P = static_cast<Eigen::Index>(pool_rows());
  std::vector<double> mean(points.size());
  if (points.size() * 4 >= static_cast<std::size_t>(P)) {
    // Most of the pool: one matrix-vector product over all of it.
    const Eigen::VectorXd all = rows_.topLeftCorner(P, used) * alpha_.head(used);
    for (std::size_t i = 0; i < points.size(); ++i)
      mean[i] = all[static_cast<Eigen::Index>(rows[i])];
  } else {
    for (std::size_t i = 0; i < points.size(); ++i)
      mean[i] = rows_.row(static_cast<Eigen::Index>(rows[i])).head(used).dot(alpha_.head(used));
  }
  const double signal = gp_.signal();
  std::size_t best = 0;
  double best_ei = -1;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double m = mean[i] * y_scale_ + y_mean_;
    const double sd =
        std::sqrt(std::max(signal - explained_[static_cast<Eigen::Index>(rows[i])], 1e-12)) *
        y_scale_;
    const double ei = expected_improvement_of(best_log_ - m - exploration, sd);
    if (ei > best_ei) {
      best_ei = ei;
      best = i;
    }
  }
  return best;
}

}  // namespace ktune::tuner
