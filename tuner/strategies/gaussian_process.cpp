#include "tuner/strategies/gaussian_process.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace ktune::tuner {
namespace {

constexpr double kSqrt5 = 2.23606797749979;
constexpr double kMinLogLength = -3.0, kMaxLogLength = 3.0;  // 0.05 .. 20 in [0, 1] units
constexpr double kMinLogSignal = -3.0, kMaxLogSignal = 3.0;
constexpr double kMinLogNoise = -11.0, kMaxLogNoise = 0.0;

// Matern 5/2 of a scaled distance r.
double matern(double r) {
  return (1.0 + kSqrt5 * r + 5.0 / 3.0 * r * r) * std::exp(-kSqrt5 * r);
}

void clamp(GaussianProcess::Hyper& h) {
  for (Eigen::Index k = 0; k < h.log_lengthscales.size(); ++k)
    h.log_lengthscales[k] = std::clamp(h.log_lengthscales[k], kMinLogLength, kMaxLogLength);
  h.log_signal = std::clamp(h.log_signal, kMinLogSignal, kMaxLogSignal);
  h.log_noise = std::clamp(h.log_noise, kMinLogNoise, kMaxLogNoise);
}

}  // namespace

Eigen::MatrixXd GaussianProcess::covariance(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B,
                                            const Hyper& hyper) const {
  const Eigen::ArrayXd inv = (-hyper.log_lengthscales.array()).exp();
  const Eigen::MatrixXd As = A * inv.matrix().asDiagonal();
  const Eigen::MatrixXd Bs = B * inv.matrix().asDiagonal();
  const Eigen::VectorXd an = As.rowwise().squaredNorm();
  const Eigen::VectorXd bn = Bs.rowwise().squaredNorm();
  Eigen::MatrixXd K = -2.0 * As * Bs.transpose();
  K.colwise() += an;
  K.rowwise() += bn.transpose();
  const double signal = std::exp(hyper.log_signal);
  return K.unaryExpr([signal](double r2) { return signal * matern(std::sqrt(std::max(r2, 0.0))); });
}

double GaussianProcess::log_likelihood(const Hyper& hyper, Eigen::VectorXd* gradient) const {
  const Eigen::Index n = X_.rows();
  const Eigen::Index d = X_.cols();
  Eigen::MatrixXd K = covariance(X_, X_, hyper);
  const double noise = std::exp(hyper.log_noise);
  K.diagonal().array() += noise;
  Eigen::LLT<Eigen::MatrixXd> llt(K);
  if (llt.info() != Eigen::Success) return -1e300;
  const Eigen::VectorXd alpha = llt.solve(y_);
  const Eigen::MatrixXd L = llt.matrixL();
  const double log_det = 2.0 * L.diagonal().array().log().sum();
  const double value = -0.5 * y_.dot(alpha) - 0.5 * log_det -
                       0.5 * static_cast<double>(n) * std::log(2.0 * std::numbers::pi);
  if (!gradient) return value;

  // d/dtheta = 0.5 * sum_ij W_ij dK_ij/dtheta, with W = alpha alpha' - K^-1.
  Eigen::MatrixXd W = alpha * alpha.transpose();
  W -= llt.solve(Eigen::MatrixXd::Identity(n, n));
  gradient->resize(d + 2);
  const Eigen::ArrayXd inv = (-hyper.log_lengthscales.array()).exp();
  const double signal = std::exp(hyper.log_signal);
  // The common factor of the length-scale derivatives, per pair.
  Eigen::MatrixXd common(n, n);
  const Eigen::MatrixXd Xs = X_ * inv.matrix().asDiagonal();
  for (Eigen::Index j = 0; j < n; ++j)
    for (Eigen::Index i = 0; i < n; ++i) {
      const double r = (Xs.row(i) - Xs.row(j)).norm();
      common(i, j) = W(i, j) * signal * 5.0 / 3.0 * (1.0 + kSqrt5 * r) * std::exp(-kSqrt5 * r);
    }
  for (Eigen::Index k = 0; k < d; ++k) {
    double sum = 0;
    for (Eigen::Index j = 0; j < n; ++j)
      for (Eigen::Index i = 0; i < n; ++i) {
        const double delta = Xs(i, k) - Xs(j, k);
        sum += common(i, j) * delta * delta;
      }
    (*gradient)[k] = 0.5 * sum;
  }
  Eigen::MatrixXd signal_part = K;
  signal_part.diagonal().array() -= noise;
  (*gradient)[d] = 0.5 * (W.array() * signal_part.array()).sum();
  (*gradient)[d + 1] = 0.5 * W.trace() * noise;
  return value;
}

void GaussianProcess::factorise() {
  Eigen::MatrixXd K = covariance(X_, X_, hyper_);
  K.diagonal().array() += std::exp(hyper_.log_noise);
  llt_.compute(K);
  // A nearly singular matrix (duplicate inputs, tiny noise): add jitter until it factorises.
  double jitter = 1e-8;
  while (llt_.info() != Eigen::Success && jitter < 1) {
    K.diagonal().array() += jitter;
    llt_.compute(K);
    jitter *= 10;
  }
  alpha_ = llt_.solve(y_);
}

void GaussianProcess::fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, bool optimise,
                          int iterations) {
  X_ = X;
  y_mean_ = y.mean();
  const double var = (y.array() - y_mean_).square().mean();
  y_scale_ = var > 1e-300 ? std::sqrt(var) : 1.0;
  y_ = (y.array() - y_mean_) / y_scale_;
  if (!fitted_ || hyper_.log_lengthscales.size() != X.cols()) {
    hyper_.log_lengthscales = Eigen::VectorXd::Constant(X.cols(), std::log(0.5));
    hyper_.log_signal = 0;
    hyper_.log_noise = -6;
    optimise = true;
  }
  if (optimise && X.rows() >= 2) {
    // Adam on the log hyperparameters; keeps the best point seen.
    const Eigen::Index p = X.cols() + 2;
    auto pack = [&](const Hyper& h) {
      Eigen::VectorXd v(p);
      v.head(X.cols()) = h.log_lengthscales;
      v[X.cols()] = h.log_signal;
      v[X.cols() + 1] = h.log_noise;
      return v;
    };
    auto unpack = [&](const Eigen::VectorXd& v) {
      Hyper h;
      h.log_lengthscales = v.head(X.cols());
      h.log_signal = v[X.cols()];
      h.log_noise = v[X.cols() + 1];
      clamp(h);
      return h;
    };
    Eigen::VectorXd theta = pack(hyper_);
    Eigen::VectorXd m = Eigen::VectorXd::Zero(p), s = Eigen::VectorXd::Zero(p), grad;
    Hyper best = hyper_;
    double best_value = log_likelihood(best, nullptr);
    const double rate = 0.1, b1 = 0.9, b2 = 0.999;
    for (int t = 1; t <= iterations; ++t) {
      const Hyper h = unpack(theta);
      const double value = log_likelihood(h, &grad);
      if (value > best_value) {
        best_value = value;
        best = h;
      }
      m = b1 * m + (1 - b1) * grad;
      s = b2 * s + (1 - b2) * grad.cwiseProduct(grad);
      const Eigen::VectorXd mhat = m / (1 - std::pow(b1, t));
      const Eigen::VectorXd shat = s / (1 - std::pow(b2, t));
      theta += rate * mhat.cwiseQuotient((shat.array().sqrt() + 1e-8).matrix());
      theta = pack(unpack(theta));
    }
    const Hyper last = unpack(theta);
    if (log_likelihood(last, nullptr) > best_value) best = last;
    hyper_ = best;
  }
  factorise();
  fitted_ = true;
}

Eigen::VectorXd GaussianProcess::sd_from(const Eigen::MatrixXd& Ks) const {
  const Eigen::MatrixXd V = llt_.matrixL().solve(Ks.transpose());
  const double signal = std::exp(hyper_.log_signal);
  return (signal - V.colwise().squaredNorm().transpose().array()).max(1e-12).sqrt() * y_scale_;
}

}  // namespace ktune::tuner
