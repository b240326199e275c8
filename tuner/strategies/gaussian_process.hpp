#pragma once
// A Gaussian process's kernel and its hyperparameters: Matern-5/2 with one length scale per
// dimension (ARD), a signal variance and a noise variance, fitted by maximising the log
// marginal likelihood of standardised targets (Adam on the log hyperparameters, analytic
// gradient). Conditioning on data is the Surrogate's (surrogate.hpp), which keeps the
// posterior up to date point by point instead of refactorising it for every proposal.
#include <Eigen/Dense>
#include <utility>

namespace ktune::tuner {

class GaussianProcess {
 public:
  using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  struct Hyper {
    Eigen::VectorXd log_lengthscales;  // per input dimension
    double log_signal = 0;             // log of the signal variance (standardised targets)
    double log_noise = -6;             // log of the noise variance (standardised targets)
  };

  // Refits the hyperparameters to targets `y` at rows `X` (inputs in [0, 1]), starting from
  // the current ones (defaults on first use or when the dimension changed).
  void optimise(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, int iterations = 30);

  bool has_hyper() const { return hyper_.log_lengthscales.size() > 0; }
  const Hyper& hyper() const { return hyper_; }
  void set_hyper(const Hyper& hyper) { hyper_ = hyper; }
  double signal() const { return std::exp(hyper_.log_signal); }
  double noise() const { return std::exp(hyper_.log_noise); }
  // What inputs are multiplied by before distances are taken.
  Eigen::RowVectorXd inverse_lengthscales() const {
    return (-hyper_.log_lengthscales.array()).exp().matrix().transpose();
  }
  // The kernel between two inputs already multiplied by inverse_lengthscales().
  double scaled_covariance(const double* a, const double* b, Eigen::Index dims) const;
  // The kernel of squared scaled distances, in place.
  void covariance_of_squared(Eigen::Ref<Eigen::ArrayXd> r2) const;

  // Log marginal likelihood of standardised targets `y` at `X` under `hyper`, and its gradient
  // (length scales, signal, noise; all with respect to the logs).
  static double log_likelihood(const Hyper& hyper, const Eigen::MatrixXd& X,
                               const Eigen::VectorXd& y, Eigen::VectorXd* gradient);

 private:
  Hyper hyper_;
};

// Mean and scale that standardise `y` (scale 1 for constant targets).
std::pair<double, double> standardisation(const Eigen::VectorXd& y);

}  // namespace ktune::tuner
