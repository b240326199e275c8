#pragma once
// Robust summaries of timing samples. The objective of a variant is the median of its samples;
// its uncertainty is a distribution-free confidence interval of the median (order statistics),
// which needs no normality assumption about run times.
#include <cstddef>
#include <span>

namespace ktune {

struct Summary {
  std::size_t count = 0;
  double median = 0;
  double mean = 0;
  double stddev = 0;
  double min = 0;
  double max = 0;
  double ci_low = 0;   // 95% confidence interval of the median
  double ci_high = 0;  // (with fewer than 6 samples: the sample range, which covers less than 95%)

  // Width of the interval relative to the median; infinite with no samples.
  double relative_ci_width() const;
};

Summary summarize(std::span<const double> samples);

// Indices (0-based, into the sorted samples) of the order statistics that bound a `confidence`
// interval of the median of n samples, from the exact binomial(n, 1/2) distribution.
struct OrderStatisticBounds {
  std::size_t low = 0;
  std::size_t high = 0;
};
OrderStatisticBounds median_ci_bounds(std::size_t n, double confidence = 0.95);

}  // namespace ktune
