// The constraint language (space/expression): any text parses or is refused with an
// ExpressionError; a parsed expression evaluates to a value or throws std::domain_error (a
// division by zero, an overflow: the point is outside the space) for any parameter values, and
// prints as C++ for an export.
#include <cstdint>
#include <limits>
#include <map>
#include <stdexcept>
#include <vector>

#include "fuzz/fuzz_support.hpp"
#include "space/expression.hpp"

namespace {

using ktune::Resolved;

// The matmul family's names: its parameters are slots, the device's limits constants.
constexpr const char* kKnown =
    "BM, BN, BK, TM, TN, VW, SA, SB, DB, PAD, UNROLL, MINB, max_threads, min_threads, max_shared, "
    "BIG";

std::optional<Resolved> resolve(std::string_view name) {
  static const std::map<std::string, std::size_t, std::less<>> kSlots{
      {"BM", 0}, {"BN", 1}, {"BK", 2}, {"TM", 3},  {"TN", 4},      {"VW", 5},
      {"SA", 6}, {"SB", 7}, {"DB", 8}, {"PAD", 9}, {"UNROLL", 10}, {"MINB", 11}};
  static const std::map<std::string, std::int64_t, std::less<>> kConstants{
      {"max_threads", 1024},
      {"min_threads", 64},
      {"max_shared", 49152},
      {"BIG", std::numeric_limits<std::int64_t>::max()}};
  if (auto it = kSlots.find(name); it != kSlots.end())
    return Resolved{Resolved::Kind::slot, it->second, 0};
  if (auto it = kConstants.find(name); it != kConstants.end())
    return Resolved{Resolved::Kind::constant, 0, it->second};
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  static const std::vector<std::vector<std::int64_t>> kPoints{
      {64, 64, 8, 4, 4, 2, 1, 1, 0, 1, 2, 0},
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      {-1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1},
      {kMin, kMax, -1, kMin, 2, kMax, -1, kMin, kMax, 0, 1, -2}};
  std::optional<ktune::Expression> expression;
  ktune::fuzz::completes([&] {
    expression = ktune::Expression::parse(ktune::fuzz::text_of(data, size), resolve, kKnown);
  });
  if (!expression) return 0;
  for (const auto& point : kPoints) {
    try {
      (void)expression->evaluate(point);
    } catch (const std::domain_error&) {
    }
  }
  (void)expression->to_cpp([](std::size_t slot) { return "v" + std::to_string(slot); });
  return 0;
}
