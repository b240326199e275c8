#include "core/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace ktune {

double Summary::relative_ci_width() const {
  if (count == 0 || median <= 0) return std::numeric_limits<double>::infinity();
  return (ci_high - ci_low) / median;
}

OrderStatisticBounds median_ci_bounds(std::size_t n, double confidence) {
  if (n == 0) return {};
  // P(X <= j) for X ~ Binomial(n, 1/2), accumulated in log space to stay finite for large n.
  // The interval [x_(j), x_(n-1-j)] (0-based) covers the median with probability
  // 1 - 2 * P(X <= j); take the largest j that keeps the coverage >= confidence.
  const double alpha_half = (1.0 - confidence) / 2.0;
  double cumulative = 0;
  std::size_t low = 0;
  bool found = false;
  const double log_half_n = static_cast<double>(n) * std::log(0.5);
  for (std::size_t j = 0; j < n / 2; ++j) {
    const double log_choose = std::lgamma(static_cast<double>(n) + 1) -
                              std::lgamma(static_cast<double>(j) + 1) -
                              std::lgamma(static_cast<double>(n - j) + 1);
    cumulative += std::exp(log_choose + log_half_n);
    if (cumulative > alpha_half) break;
    low = j;  // [x_(j), x_(n-1-j)] (0-based) still covers the median with >= confidence
    found = true;
  }
  if (!found) return {0, n - 1};  // too few samples for the confidence: the whole range
  return {low, n - 1 - low};
}

Summary summarize(std::span<const double> samples) {
  Summary s;
  s.count = samples.size();
  if (samples.empty()) return s;
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  s.min = sorted.front();
  s.max = sorted.back();
  s.median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  s.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / static_cast<double>(n);
  if (n > 1) {
    double squares = 0;
    for (double x : sorted)
      squares += (x - s.mean) * (x - s.mean);
    s.stddev = std::sqrt(squares / static_cast<double>(n - 1));
  }
  const auto bounds = median_ci_bounds(n);
  s.ci_low = sorted[bounds.low];
  s.ci_high = sorted[bounds.high];
  return s;
}

}  // namespace ktune
