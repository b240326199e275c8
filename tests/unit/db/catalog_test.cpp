// The texts the catalog parses: canonical shapes (NAME=SIZE,...) as stored and as given.
#include "db/catalog.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"
#include "core/utf8.hpp"
#include "db/store.hpp"

namespace ktune::db {
namespace {

using Dims = std::vector<std::pair<std::string, std::int64_t>>;

std::string refusal(const std::string& text) {
  try {
    parse_shape_text(text);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

void expect_refusal(const std::string& text, const char* fragment) {
  const auto message = refusal(text);
  EXPECT_NE(message.find(fragment), std::string::npos) << message.substr(0, 300);
  EXPECT_NE(message.find("NAME=SIZE"), std::string::npos) << message.substr(0, 300);
  EXPECT_EQ(message.find('\n'), std::string::npos);
  EXPECT_FALSE(invalid_utf8_at(message)) << message.substr(0, 300);
  EXPECT_LT(message.size(), 400u) << message.substr(0, 300);
}

TEST(ShapeText, ParsesWhatProblemCanonicalWrites) {
  EXPECT_EQ(parse_shape_text("m=1,n=2"), (Dims{{"m", 1}, {"n", 2}}));
  EXPECT_EQ(parse_shape_text("n=1,c=64,h=56,w=56,k=64,r=3,s=3,stride=1,pad=0,dil=1").size(), 10u);
  EXPECT_EQ(parse_shape_text("x=4096,y=4096,d3=7,_n2=1"),
            (Dims{{"x", 4096}, {"y", 4096}, {"d3", 7}, {"_n2", 1}}));
}

TEST(ShapeText, ImpossibleSizesAreRefused) {
  expect_refusal("m=-5", "-5");
  expect_refusal("x=-9223372036854775808,y=1", "0 or more");
  expect_refusal("m=99999999999999999999", "99999999999999999999");
  expect_refusal("m=x", "'x'");
}

TEST(ShapeText, NamesAreIdentifiersGivenOnce) {
  expect_refusal("m=1,m=2", "twice");
  expect_refusal("a b=1", "a b");
  expect_refusal("1m=1", "1m");
  expect_refusal("m\n=1", "\\x0A");
  expect_refusal("=4", "NAME");
  expect_refusal("m=1,", "''");
}

TEST(ShapeText, TextThatIsNotUtf8OrTooLongIsRefused) {
  expect_refusal("m=1,\xff=2", "UTF-8");
  expect_refusal("m=" + std::string(100000, '1'), "too long");
}

}  // namespace
}  // namespace ktune::db
