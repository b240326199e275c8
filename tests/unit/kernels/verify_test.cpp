#include "kernels/verify.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace ktune::kernels {
namespace {

Reference ref_of(std::vector<double> values, double tolerance = 1e-5) {
  return {std::move(values), tolerance};
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
  EXPECT_NE(v.message.find("exceeds the tolerance"), std::string::npos) << v.message;
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

TEST(Verify, AllZeroReferenceUsesAbsoluteError) {
  EXPECT_TRUE(verify(std::vector<float>{0.0f, 1e-7f}, ref_of({0, 0})).ok);
  EXPECT_FALSE(verify(std::vector<float>{0.0f, 1e-3f}, ref_of({0, 0})).ok);
}

}  // namespace
}  // namespace ktune::kernels
