#include "core/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ktune {
namespace {

TEST(Utf8, WellFormedTextPasses) {
  EXPECT_FALSE(invalid_utf8_at(""));
  EXPECT_FALSE(invalid_utf8_at("BM > 0 && TM == 4"));
  EXPECT_FALSE(
      invalid_utf8_at("GeForce\xe2\x84\xa2 \xc3\x97 \xf0\x9f\x9a\x80"));  // TM sign, x, rocket
  EXPECT_FALSE(invalid_utf8_at("\xf4\x8f\xbf\xbf"));  // U+10FFFF, the last code point
}

TEST(Utf8, TheFirstBadByteIsFound) {
  EXPECT_EQ(invalid_utf8_at("ab\xff"), 2u);
  EXPECT_EQ(invalid_utf8_at("a\x80"), 1u);             // a continuation byte alone
  EXPECT_EQ(invalid_utf8_at("a\xc3"), 1u);             // cut short
  EXPECT_EQ(invalid_utf8_at("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(invalid_utf8_at("\xe0\x80\xaf"), 0u);      // overlong, three bytes
  EXPECT_EQ(invalid_utf8_at("\xed\xa0\x80"), 0u);      // a UTF-16 surrogate
  EXPECT_EQ(invalid_utf8_at("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(invalid_utf8_at("ok\xe2\x84x"), 2u);       // a bad continuation
}

TEST(Utf8, PrintableKeepsCharactersAndEscapesTheRest) {
  EXPECT_EQ(printable("BM \xc3\x97 2"), "BM \xc3\x97 2");
  EXPECT_EQ(printable("a\nb\tc\x7f"), "a\\x0Ab\\x09c\\x7F");
  EXPECT_EQ(printable("x\xff\xc3"), "x\\xFF\\xC3");
  EXPECT_EQ(printable("\xc2\x85"), "\\xC2\\x85");  // NEL, a C1 control
  EXPECT_FALSE(invalid_utf8_at(printable("\xed\xa0\x80\xf4\x90\x80\x80")));
}

}  // namespace
}  // namespace ktune
