#include <gtest/gtest.h>

#include "profiles/metrics/roofline.hpp"

namespace ktune::profiles::metrics {
namespace {

// An H100 SXM-like device: 67,000 GFLOP/s FP32 and 3,350 GB/s, ridge at 20 FLOP/byte.
constexpr Roofline kDevice{67'000, 3'350};

TEST(Roofline, RidgePointIsPeakComputeOverPeakBandwidth) {
  EXPECT_DOUBLE_EQ(kDevice.ridge_point(), 20.0);
}

TEST(Roofline, LeftOfTheRidgeIsMemoryBound) {
  auto p = place(kDevice, 0.25);  // a stream copy with FLOPs attributed: 1 FLOP per 4 bytes
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->memory_bound);
  EXPECT_DOUBLE_EQ(p->attainable_gflops, 0.25 * 3'350);
}

TEST(Roofline, RightOfTheRidgeIsComputeBound) {
  auto p = place(kDevice, 170.7);  // a 4096^3 fp32 matmul with compulsory traffic only
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->memory_bound);
  EXPECT_DOUBLE_EQ(p->attainable_gflops, 67'000);
}

TEST(Roofline, AtTheRidgeBothRoofsMeet) {
  auto p = place(kDevice, 20.0);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->memory_bound);
  EXPECT_DOUBLE_EQ(p->attainable_gflops, 67'000);
}

TEST(Roofline, UnknownPeaksOrIntensityGiveNoPoint) {
  EXPECT_FALSE(place(Roofline{0, 3'350}, 1.0));
  EXPECT_FALSE(place(Roofline{67'000, 0}, 1.0));
  EXPECT_FALSE(place(kDevice, 0.0));
  EXPECT_FALSE(place(kDevice, -1.0));
}

}  // namespace
}  // namespace ktune::profiles::metrics
