#include "kernels/verify.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ktune::kernels {
namespace {

// A reference whose elements each add up one term (their magnitude is their absolute value).
Reference ref_of(std::vector<double> values, double tolerance = 1e-5) {
  Reference r;
  r.magnitudes.resize(values.size());
  std::transform(values.begin(), values.end(), r.magnitudes.begin(),
                 [](double x) { return std::abs(x); });
  r.values = std::move(values);
  r.tolerance = tolerance;
  return r;
}

std::vector<float> rounded(const std::vector<double>& values) {
  return {values.begin(), values.end()};
}

// A realistic large output: 1024 x 1024 products of length 64, from the matmul family.
struct LargeProduct {
  Reference reference;
  std::vector<float> output;  // the reference rounded to fp32: correct
};

const LargeProduct& large_product() {
  static const LargeProduct product = [] {
    const auto& matmul = find_family("matmul");
    const Problem p = matmul.parse_shape("1024x1024x64");
    LargeProduct lp;
    lp.reference = matmul.reference(p, matmul.workload(p, 7));
    lp.output = rounded(lp.reference.values);
    return lp;
  }();
  return product;
}

TEST(Verify, AcceptsRoundingNoise) {
  const auto v = verify(std::vector<float>{1.0f, 2.0000001f, -3.0f}, ref_of({1, 2, -3}));
  EXPECT_TRUE(v.ok) << v.message;
  EXPECT_LT(v.relative_l2_error, 1e-6);
}

TEST(Verify, RejectsAWrongValue) {
  const auto v = verify(std::vector<float>{1.0f, 2.0f, -3.1f}, ref_of({1, 2, -3}));
  EXPECT_FALSE(v.ok);
  EXPECT_NEAR(v.max_abs_error, 0.1, 1e-6);
  EXPECT_EQ(v.worst_index, 2u);
  EXPECT_NE(v.message.find("at index 2"), std::string::npos) << v.message;
}

TEST(Verify, AnyNanOrInfFails) {
  const auto v = verify(std::vector<float>{1.0f, NAN, INFINITY}, ref_of({1, 2, 3}, 1e9));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.non_finite, 2u);
  EXPECT_NE(v.message.find("first at index 1"), std::string::npos) << v.message;
}

TEST(Verify, SizeMismatchFails) {
  EXPECT_FALSE(verify(std::vector<float>{1.0f}, ref_of({1, 2})).ok);
}

TEST(Verify, AReferenceWithoutMagnitudesIsAProgrammingError) {
  Reference r;
  r.values = {1, 2};
  EXPECT_THROW(verify(std::vector<float>{1.0f, 2.0f}, r), std::invalid_argument);
}

TEST(Verify, AllZeroReferenceUsesAbsoluteError) {
  EXPECT_TRUE(verify(std::vector<float>{0.0f, 1e-38f}, ref_of({0, 0})).ok);
  EXPECT_FALSE(verify(std::vector<float>{0.0f, 1e-3f}, ref_of({0, 0})).ok);
}

TEST(Verify, TheBoundFollowsTheMagnitudeNotTheValue) {
  // An element that cancels to about 0 from terms of size 1000 carries their rounding error.
  Reference r = ref_of({1e-3});
  r.magnitudes = {1000};
  r.reduction_length = 100;
  r.tolerance = 1000;  // the relative L2 error does not decide here
  EXPECT_TRUE(verify(std::vector<float>{1e-3f + 1e-3f}, r).ok);
  EXPECT_FALSE(verify(std::vector<float>{1e-3f + 1e-1f}, r).ok);
  EXPECT_GT(element_bound(1000, 1), element_bound(10, 1));
  EXPECT_GT(element_bound(10, 2), element_bound(10, 1));
}

TEST(Verify, ErrorsWithinEveryBoundCanStillFailTheL2Tolerance) {
  // Each element within its (loose) bound, the whole output systematically off.
  Reference r = ref_of({1, 2, 3});
  r.magnitudes = {1e6, 1e6, 1e6};
  const auto v = verify(std::vector<float>{1.001f, 2.002f, 3.003f}, r);
  EXPECT_EQ(v.elements_over_bound, 0u);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.message.find("exceeds the tolerance"), std::string::npos) << v.message;
}

TEST(Verify, Fp32SumsInAnyOrderPass) {
  // Forward and backward fp32 summation of 64 x 64 products of length 4096.
  const auto& matmul = find_family("matmul");
  const Problem p = matmul.parse_shape("64x64x4096");
  const auto w = matmul.workload(p, 3);
  const auto ref = matmul.reference(p, w);
  const int m = 64, n = 64, k = 4096;
  for (bool backward : {false, true}) {
    std::vector<float> out(static_cast<std::size_t>(m * n));
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        float sum = 0;
        for (int t = 0; t < k; ++t) {
          const int l = backward ? k - 1 - t : t;
          sum = std::fma(w.buffers[0][static_cast<std::size_t>(i * k + l)],
                         w.buffers[1][static_cast<std::size_t>(l * n + j)], sum);
        }
        out[static_cast<std::size_t>(i * n + j)] = sum;
      }
    const auto v = verify(out, ref);
    EXPECT_TRUE(v.ok) << (backward ? "backward: " : "forward: ") << v.message;
  }
}

TEST(Verify, OneWrongElementInALargeOutputFailsAndIsNamed) {
  const auto& lp = large_product();
  auto out = lp.output;
  ASSERT_TRUE(verify(out, lp.reference).ok) << verify(out, lp.reference).message;
  // Off by 0.02 in one element of a million: the relative L2 error over the whole output stays
  // below its tolerance, the element's own bound does not.
  const std::size_t bad = 123'457;
  out[bad] += 0.02f;
  const auto v = verify(out, lp.reference);
  EXPECT_LT(v.relative_l2_error, lp.reference.tolerance);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.elements_over_bound, 1u);
  EXPECT_EQ(v.worst_index, bad);
  EXPECT_FLOAT_EQ(static_cast<float>(v.worst_output), out[bad]);
  EXPECT_DOUBLE_EQ(v.worst_reference, lp.reference.values[bad]);
  EXPECT_NE(v.message.find("1 of 1048576"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("at index 123457"), std::string::npos) << v.message;
}

TEST(Verify, ANanInOneElementOfALargeOutputFailsAndIsNamed) {
  const auto& lp = large_product();
  auto out = lp.output;
  const std::size_t bad = 999'999;
  out[bad] = NAN;
  const auto v = verify(out, lp.reference);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.non_finite, 1u);
  EXPECT_EQ(v.worst_index, bad);
  EXPECT_NE(v.message.find("first at index 999999"), std::string::npos) << v.message;
}

TEST(Verify, TheRightValuesInTheWrongPlacesFail) {
  const auto& lp = large_product();
  // Two neighbouring columns of one row swapped.
  auto out = lp.output;
  const std::size_t at = 5 * 1024 + 10;
  std::swap(out[at], out[at + 1]);
  auto v = verify(out, lp.reference);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.elements_over_bound, 2u);
  EXPECT_TRUE(v.worst_index == at || v.worst_index == at + 1) << v.worst_index;
  // The whole output transposed: every value is there, almost none where it belongs.
  for (std::size_t i = 0; i < 1024; ++i)
    for (std::size_t j = 0; j < 1024; ++j)
      out[i * 1024 + j] = lp.output[j * 1024 + i];
  v = verify(out, lp.reference);
  EXPECT_FALSE(v.ok);
  EXPECT_GT(v.elements_over_bound, 1'000'000u);
}

}  // namespace
}  // namespace ktune::kernels
