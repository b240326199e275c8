#include "space/expression.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/utf8.hpp"

namespace ktune::tuner {
namespace {

// Slots: BM=0, TM=1, VW=2, SMEM_A=3; constants: M=100.
Resolver resolver() {
  return [](std::string_view name) -> std::optional<Resolved> {
    static const std::map<std::string, std::size_t, std::less<>> slots{
        {"BM", 0}, {"TM", 1}, {"VW", 2}, {"SMEM_A", 3}};
    if (auto it = slots.find(name); it != slots.end())
      return Resolved{Resolved::Kind::slot, it->second, 0};
    if (name == "M") return Resolved{Resolved::Kind::constant, 0, 100};
    return std::nullopt;
  };
}

std::int64_t eval(std::string_view text, std::vector<std::int64_t> slots = {64, 4, 2, 1}) {
  return Expression::parse(text, resolver()).evaluate(slots);
}

TEST(Expression, ArithmeticFollowsCPrecedence) {
  EXPECT_EQ(eval("1 + 2 * 3"), 7);
  EXPECT_EQ(eval("(1 + 2) * 3"), 9);
  EXPECT_EQ(eval("10 - 4 - 3"), 3);
  EXPECT_EQ(eval("20 / 3 % 4"), 2);
  EXPECT_EQ(eval("-3 + 5"), 2);
  EXPECT_EQ(eval("!0 + !5"), 1);
  EXPECT_EQ(eval("1 < 2 == 1"), 1);
  EXPECT_EQ(eval("0 || 1 && 0"), 0);
  EXPECT_EQ(eval("1 ? 2 : 3"), 2);
  EXPECT_EQ(eval("0 ? 2 : 0 ? 3 : 4"), 4);
}

TEST(Expression, TheIssueExample) {
  EXPECT_EQ(eval("BM % (TM * VW) == 0 && (SMEM_A || VW == 1)"), 1);
  EXPECT_EQ(eval("BM % (TM * VW) == 0 && (SMEM_A || VW == 1)", {64, 4, 2, 0}), 0);
  EXPECT_EQ(eval("BM % (TM * VW) == 0", {60, 4, 2, 0}), 0);
}

TEST(Expression, FunctionsAndConstants) {
  EXPECT_EQ(eval("min(BM, M)"), 64);
  EXPECT_EQ(eval("max(BM, M)"), 100);
  EXPECT_EQ(eval("ceil_div(M, BM)"), 2);
  EXPECT_EQ(eval("abs(TM - BM)"), 60);
  EXPECT_EQ(eval("true && !false"), 1);
}

TEST(Expression, RecordsTheSlotsItUses) {
  auto e = Expression::parse("VW * BM + M > TM && VW", resolver());
  EXPECT_EQ(e.slots_used(), (std::vector<std::size_t>{0, 1, 2}));
}

TEST(Expression, DivisionByZeroIsADomainError) {
  EXPECT_THROW(eval("BM / (TM - 4)"), std::domain_error);
  EXPECT_THROW(eval("BM % 0"), std::domain_error);
}

TEST(Expression, OverflowIsADomainErrorNeverACrash) {
  const std::string min = "(-9223372036854775807 - 1)";
  EXPECT_THROW(eval("9223372036854775807 + 1"), std::domain_error);
  EXPECT_THROW(eval(min + " - 1"), std::domain_error);
  EXPECT_THROW(eval("4294967296 * 4294967296"), std::domain_error);
  EXPECT_THROW(eval("-" + min), std::domain_error);
  EXPECT_THROW(eval("abs" + min), std::domain_error);
  EXPECT_THROW(eval(min + " / -1"), std::domain_error);  // was SIGFPE
  EXPECT_EQ(eval(min + " % -1"), 0);                     // was SIGFPE too
  EXPECT_THROW(eval("ceil_div(9223372036854775807, 2)"), std::domain_error);
  // Found by fuzz/constraint_fuzzer: the divisor's b - 1 overflowed too.
  EXPECT_THROW(eval("ceil_div(-BM, " + min + ")"), std::domain_error);
  EXPECT_EQ(eval(min + " + 1 < 0"), 1);
  EXPECT_EQ(eval("ceil_div(BM, 5)"), 13);
  const std::vector<std::int64_t> extreme{std::numeric_limits<std::int64_t>::max(), 4, 2, 1};
  EXPECT_THROW(eval("BM * TM", extreme), std::domain_error);
  EXPECT_EQ(eval("BM / TM > 0", extreme), 1);
}

// A refusal that is a one-line ExpressionError of UTF-8 text containing `fragment`.
void expect_refused(const std::string& text, const char* fragment) {
  try {
    Expression::parse(text, resolver());
    FAIL() << "parsed " << text.size() << " characters";
  } catch (const ExpressionError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(fragment), std::string::npos) << message.substr(0, 300);
    EXPECT_EQ(message.find('\n'), std::string::npos);
    EXPECT_FALSE(invalid_utf8_at(message)) << message.substr(0, 300);
    EXPECT_LT(message.size(), 400u) << message.substr(0, 300);
  }
}

TEST(Expression, DeepNestingIsRefusedNeverAStackOverflow) {
  // The issue's two inputs crashed with a segfault (exit 139, nothing printed).
  expect_refused(std::string(10000, '(') + "BM" + std::string(10000, ')') + ">0", "too");
  expect_refused(std::string(100000, '!') + "1", "too");
  expect_refused(std::string(300, '(') + "BM" + std::string(300, ')') + ">0", "too deep");
  expect_refused(std::string(300, '!') + "1", "too deep");
  expect_refused(std::string(300, '-') + "1", "too deep");
  std::string chain = "1";
  for (int i = 0; i < 1000; ++i)
    chain += "+1";
  expect_refused(chain, "too deep");
  EXPECT_EQ(eval(std::string(50, '(') + "BM" + std::string(50, ')')), 64);
}

TEST(Expression, LongTextIsRefused) {
  std::string text = "BM > 0";
  while (text.size() <= 5000)
    text += " && BM > 0";
  expect_refused(text, "too long");
}

TEST(Expression, TextThatIsNotUtf8IsRefusedWithoutEchoingIt) {
  expect_refused("BM > \xff", "UTF-8");
  expect_refused("BM \xc3\x97 2", "unexpected '\xc3\x97'");  // a whole character, U+00D7
}

struct BadCase {
  const char* text;
  std::size_t column;
  const char* fragment;
};

class ExpressionErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ExpressionErrors, PointAtTheBadToken) {
  const auto& c = GetParam();
  try {
    Expression::parse(c.text, resolver(), "BM, TM, VW, SMEM_A, M");
    FAIL() << "parsed: " << c.text;
  } catch (const ExpressionError& e) {
    EXPECT_EQ(e.column(), c.column) << e.what();
    EXPECT_NE(std::string(e.what()).find(c.fragment), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(c.text), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ExpressionErrors,
    ::testing::Values(BadCase{"BM % (TM * VW == 0", 19, "expected ')'"},
                      BadCase{"BM +", 5, "expected a value"},
                      BadCase{"FOO > 1", 1, "unknown name 'FOO' (known: BM"},
                      BadCase{"BM $ 2", 4, "unexpected '$'"}, BadCase{"BM 2", 4, "unexpected '2'"},
                      BadCase{"", 1, "empty"}, BadCase{"12ab > 1", 1, "malformed number"},
                      BadCase{"sqrt(BM)", 1, "unknown function 'sqrt'"},
                      BadCase{"min(BM)", 7, "expected ','"}, BadCase{"1 ? 2", 6, "expected ':'"},
                      BadCase{"99999999999999999999 > 1", 1, "too large"}));

}  // namespace
}  // namespace ktune::tuner
