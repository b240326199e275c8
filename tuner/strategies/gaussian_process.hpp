#pragma once
// A Gaussian-process regression surrogate: Matern-5/2 kernel with one length scale per
// dimension (ARD), a signal variance and a noise variance, fitted by maximising the log
// marginal likelihood (Adam on the log hyperparameters, analytic gradient). Targets are
// standardised internally; predictions come back in the caller's units.
#include <Eigen/Dense>

namespace ktune::tuner {

class GaussianProcess {
 public:
  struct Hyper {
    Eigen::VectorXd log_lengthscales;  // per input dimension
    double log_signal = 0;             // log of the signal variance (standardised targets)
    double log_noise = -6;             // log of the noise variance (standardised targets)
  };

  // Sets the training data; refits the hyperparameters when `optimise` (from the current ones,
  // or defaults on first use or when the dimension changed). Rows of X are inputs in [0, 1].
  void fit(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, bool optimise, int iterations = 30);

  // The posterior at rows Xs, in two steps so that callers compute deviations selectively: the
  // cross-covariance Ks, then the mean (mean_from) and standard deviations (sd_from) from it.
  Eigen::MatrixXd cross_covariance(const Eigen::MatrixXd& Xs) const {
    return covariance(Xs, X_, hyper_);
  }
  Eigen::VectorXd mean_from(const Eigen::MatrixXd& Ks) const {
    return (Ks * alpha_).array() * y_scale_ + y_mean_;
  }
  // Standard deviations for rows of a cross-covariance matrix.
  Eigen::VectorXd sd_from(const Eigen::MatrixXd& Ks) const;
  // The prior standard deviation: no posterior deviation exceeds it.
  double prior_sd() const { return std::exp(0.5 * hyper_.log_signal) * y_scale_; }

  bool fitted() const { return fitted_; }
  const Hyper& hyper() const { return hyper_; }
  // Log marginal likelihood of the standardised targets under `hyper`, and its gradient.
  double log_likelihood(const Hyper& hyper, Eigen::VectorXd* gradient) const;

 private:
  Eigen::MatrixXd covariance(const Eigen::MatrixXd& A, const Eigen::MatrixXd& B,
                             const Hyper& hyper) const;
  void factorise();

  Eigen::MatrixXd X_;
  Eigen::VectorXd y_;  // standardised
  double y_mean_ = 0, y_scale_ = 1;
  Hyper hyper_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
  Eigen::VectorXd alpha_;
  bool fitted_ = false;
};

}  // namespace ktune::tuner
