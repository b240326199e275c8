#include "kernels/shape.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"
#include "core/utf8.hpp"
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

// The UsageError a family's parse_shape throws for `text` ("(no error)" when it parses).
std::string refusal(const char* family, const std::string& text) {
  try {
    find_family(family).parse_shape(text);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Shape, TextThatIsNotUtf8IsRefusedWithoutEchoingIt) {
  for (const char* family : {"matmul", "conv2d"}) {
    for (const std::string text : {"64x64x\xff", "n=1,c=\xc3", "\xff=1", "m=1,\xed\xa0\x80=2"}) {
      const auto message = refusal(family, text);
      EXPECT_NE(message.find("UTF-8"), std::string::npos) << family << ": " << message;
      EXPECT_FALSE(invalid_utf8_at(message)) << family << ": " << message;
    }
  }
}

TEST(Shape, LongTextIsRefusedInAShortMessage) {
  for (const char* family : {"matmul", "conv2d"}) {
    const auto message = refusal(family, "n=" + std::string(100000, '1'));
    EXPECT_NE(message.find("too long"), std::string::npos)
        << family << ": " << message.substr(0, 300);
    EXPECT_LT(message.size(), 400u) << family;
  }
}

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
