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
  EXPECT_LE(s.ci_low, s.median);
  EXPECT_GE(s.ci_high, s.median);
}

TEST(Summarize, EmptyHasInfiniteRelativeWidth) {
  const auto s = summarize({});
  EXPECT_EQ(s.count, 0u);
  EXPECT_TRUE(std::isinf(s.relative_ci_width()));
}

TEST(Summarize, RelativeWidthShrinksWithMoreEqualSamples) {
  std::vector<double> samples;
  for (int i = 0; i < 40; ++i)
    samples.push_back(10.0 + (i % 5) * 0.01);
  EXPECT_LT(summarize(samples).relative_ci_width(), 0.01);
}

}  // namespace
}  // namespace ktune
