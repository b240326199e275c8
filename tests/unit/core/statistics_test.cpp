#include "core/statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace ktune {
namespace {

// Coverage of [x_(low), x_(high)] (0-based order statistics) for the median of n samples.
double coverage(std::size_t n, OrderStatisticBounds b) {
  double p = 0;
  for (std::size_t j = b.low + 1; j <= b.high; ++j)
    p += std::exp(std::lgamma(n + 1.0) - std::lgamma(j + 1.0) - std::lgamma(n - j + 1.0) +
                  n * std::log(0.5));
  return p;
}

TEST(MedianCi, MatchesPublishedTable) {
  // Classic table (e.g. Conover, Practical Nonparametric Statistics): n=10 -> (x2, x9),
  // n=20 -> (x6, x15), n=50 -> (x18, x33), 1-based.
  EXPECT_EQ(median_ci_bounds(10).low, 1u);
  EXPECT_EQ(median_ci_bounds(10).high, 8u);
  EXPECT_EQ(median_ci_bounds(20).low, 5u);
  EXPECT_EQ(median_ci_bounds(20).high, 14u);
  EXPECT_EQ(median_ci_bounds(50).low, 17u);
  EXPECT_EQ(median_ci_bounds(50).high, 32u);
}

TEST(MedianCi, CoversAtLeastTheConfidenceAndIsTightest) {
  for (std::size_t n = 6; n < 200; ++n) {
    const auto b = median_ci_bounds(n);
    EXPECT_GE(coverage(n, b), 0.95) << n;
    // One order statistic narrower on each side must fall below 95%.
    if (b.low + 1 < b.high - 1) {
      EXPECT_LT(coverage(n, {b.low + 1, b.high - 1}), 0.95) << n;
    }
  }
}

TEST(MedianCi, TooFewSamplesGiveTheWholeRange) {
  for (std::size_t n = 1; n < 6; ++n) {
    const auto b = median_ci_bounds(n);
    EXPECT_EQ(b.low, 0u);
    EXPECT_EQ(b.high, n - 1);
  }
}

TEST(Summarize, RobustStatisticsOfSamples) {
  const std::vector<double> samples{5, 1, 4, 2, 3, 100};
  const auto s = summarize(samples);
  EXPECT_EQ(s.count, 6u);
  EXPECT_DOUBLE_EQ(s.median, 3.5);
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 100);
  EXPECT_NEAR(s.mean, 115.0 / 6, 1e-12);
  // Six samples: the interval is the whole range (x_(1), x_(6)).
  EXPECT_DOUBLE_EQ(s.ci_low, 1);
  EXPECT_DOUBLE_EQ(s.ci_high, 100);
  // Twenty samples 1..20 (shuffled): the interval is (x_(6), x_(15)), the published bounds.
  std::vector<double> twenty;
  for (int i = 0; i < 20; ++i)
    twenty.push_back(static_cast<double>((i * 7) % 20 + 1));
  const auto t = summarize(twenty);
  EXPECT_DOUBLE_EQ(t.median, 10.5);
  EXPECT_DOUBLE_EQ(t.ci_low, 6);
  EXPECT_DOUBLE_EQ(t.ci_high, 15);
}

TEST(Summarize, EmptyHasInfiniteRelativeWidth) {
  const auto s = summarize({});
  EXPECT_EQ(s.count, 0u);
  EXPECT_TRUE(std::isinf(s.relative_ci_width()));
}

TEST(Summarize, RelativeWidthShrinksWithMoreSamplesOfOneDistribution) {
  // Evenly spread quantiles of one distribution (10 + 9 * u, u uniform in (0, 1)): with n samples
  // the width is 9 * (high - low) / n over the median 14.5.
  auto width_at = [](int n) {
    std::vector<double> samples;
    for (int i = 0; i < n; ++i)
      samples.push_back(10.0 + 9.0 * (i + 0.5) / n);
    return summarize(samples).relative_ci_width();
  };
  const double w20 = width_at(20), w200 = width_at(200);
  EXPECT_NEAR(w20, 9.0 * (14 - 5) / 20 / 14.5, 1e-12);
  EXPECT_LT(w200, w20 / 2.5);  // about 1/sqrt(10) of it
  EXPECT_GT(w200, w20 / 4.5);
}

}  // namespace
}  // namespace ktune
