#include "kernels/shape.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "kernels/family.hpp"

namespace ktune::kernels {
namespace {

TEST(Shape, ParsesSizes) {
  EXPECT_EQ(parse_dims("256x128x64", 3, "MxNxK"), (std::vector<std::int64_t>{256, 128, 64}));
  EXPECT_EQ(parse_dims("1x1x1", 3, "MxNxK"), (std::vector<std::int64_t>{1, 1, 1}));
}

class BadShape : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(BadShape, IsAUsageErrorThatSaysWhy) {
  const auto [text, fragment] = GetParam();
  try {
    find_family("matmul").parse_shape(text);
    FAIL() << "accepted " << text;
  } catch (const UsageError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
    EXPECT_NE(message.find("MxNxK"), std::string::npos) << message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadShape,
    ::testing::Values(std::pair{"12x", "'' is not a positive integer"},
                      std::pair{"0x4x4", "must be at least 1"},
                      std::pair{"-1x2x3", "must be at least 1"},
                      std::pair{"1e9x1e9x1e9", "'1e9' is not a positive integer"},
                      std::pair{"4x4", "expected 3 sizes"}, std::pair{"4x4x4x4", "too many sizes"},
                      std::pair{"99999999999x2x2", "too large"},
                      std::pair{"axbxc", "'a' is not a positive integer"}));

TEST(Families, UnknownFamilyListsTheKnownOnes) {
  try {
    find_family("fft");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("accepted: matmul"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ktune::kernels
