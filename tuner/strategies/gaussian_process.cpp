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

// Pairwise distances between the rows of `Xs` (inputs already scaled by the length scales).
Eigen::MatrixXd distances(const Eigen::MatrixXd& Xs) {
  const Eigen::VectorXd norms = Xs.rowwise().squaredNorm();
  Eigen::MatrixXd R = -2.0 * Xs * Xs.transpose();
  R.colwise() += norms;
  R.rowwise() += norms.transpose();
  return R.cwiseMax(0.0).cwiseSqrt();
}

}  // namespace

std::pair<double, double> standardisation(const Eigen::VectorXd& y) {
  const double mean = y.mean();
  const double var = (y.array() - mean).square().mean();
  return {mean, var > 1e-300 ? std::sqrt(var) : 1.0};
}

double GaussianProcess::scaled_covariance(const double* a, const double* b,
                                          Eigen::Index dims) const {
  double r2 = 0;
  for (Eigen::Index k = 0; k < dims; ++k)
    r2 += (a[k] - b[k]) * (a[k] - b[k]);
  return signal() * matern(std::sqrt(r2));
}

void GaussianProcess::covariance_of_squared(Eigen::Ref<Eigen::ArrayXd> r2) const {
  const Eigen::ArrayXd r = r2.cwiseMax(0.0).sqrt();
  r2 = signal() * (1.0 + kSqrt5 * r + 5.0 / 3.0 * r.square()) * (-kSqrt5 * r).exp();
}

double GaussianProcess::log_likelihood(const Hyper& hyper, const Eigen::MatrixXd& X,
                                       const Eigen::VectorXd& y, Eigen::VectorXd* gradient) {
  const Eigen::Index n = X.rows();
  const Eigen::Index d = X.cols();
  const Eigen::ArrayXd inv = (-hyper.log_lengthscales.array()).exp();
  const Eigen::MatrixXd Xs = X * inv.matrix().asDiagonal();
  const Eigen::MatrixXd R = distances(Xs);
  const Eigen::ArrayXXd decay = (-kSqrt5 * R.array()).exp();
  const double signal = std::exp(hyper.log_signal);
  const double noise = std::exp(hyper.log_noise);
  Eigen::MatrixXd K = signal * (1.0 + kSqrt5 * R.array() + 5.0 / 3.0 * R.array().square()) * decay;
  Eigen::MatrixXd Kn = K;
  Kn.diagonal().array() += noise;
  Eigen::LLT<Eigen::MatrixXd> llt(Kn);
  if (llt.info() != Eigen::Success) return -1e300;
  const Eigen::VectorXd alpha = llt.solve(y);
  const double log_det = 2.0 * llt.matrixLLT().diagonal().array().log().sum();
  const double value = -0.5 * y.dot(alpha) - 0.5 * log_det -
                       0.5 * static_cast<double>(n) * std::log(2.0 * std::numbers::pi);
  if (!gradient) return value;

  // d/dtheta = 0.5 * sum_ij W_ij dK_ij/dtheta, with W = alpha alpha' - K^-1.
  Eigen::MatrixXd L_inv = Eigen::MatrixXd::Identity(n, n);
  llt.matrixL().solveInPlace(L_inv);
  Eigen::MatrixXd W = alpha * alpha.transpose();
  W.noalias() -= L_inv.transpose() * L_inv;
  gradient->resize(d + 2);
  // dK_ij/dlog(l_k) = G_ij (x_ik - x_jk)^2 with the scaled inputs, where G is the common
  // factor below; summed against W it is sum_i x_ik^2 s_i - x_k' (W.G) x_k (times two, halved).
  const Eigen::MatrixXd WG = W.array() * (signal * 5.0 / 3.0 * (1.0 + kSqrt5 * R.array()) * decay);
  const Eigen::VectorXd s = WG.rowwise().sum();
  const Eigen::MatrixXd WGX = WG * Xs;
  for (Eigen::Index k = 0; k < d; ++k)
    (*gradient)[k] = Xs.col(k).array().square().matrix().dot(s) - Xs.col(k).dot(WGX.col(k));
  (*gradient)[d] = 0.5 * (W.array() * K.array()).sum();
  (*gradient)[d + 1] = 0.5 * W.trace() * noise;
  return value;
}

void GaussianProcess::optimise(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, int iterations) {
  if (!has_hyper() || hyper_.log_lengthscales.size() != X.cols()) {
    hyper_.log_lengthscales = Eigen::VectorXd::Constant(X.cols(), std::log(0.5));
    hyper_.log_signal = 0;
    hyper_.log_noise = -6;
  }
  if (X.rows() < 2) return;
  const auto [mean, scale] = standardisation(y);
  const Eigen::VectorXd ys = (y.array() - mean) / scale;
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
  double best_value = log_likelihood(best, X, ys, nullptr);
  const double rate = 0.1, b1 = 0.9, b2 = 0.999;
  for (int t = 1; t <= iterations; ++t) {
    const Hyper h = unpack(theta);
    const double value = log_likelihood(h, X, ys, &grad);
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
  if (log_likelihood(last, X, ys, nullptr) > best_value) best = last;
  hyper_ = best;
}

}  // namespace ktune::tuner
