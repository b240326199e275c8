#include "tuner/shard.hpp"

#include <gtest/gtest.h>

#include <set>

#include "core/error.hpp"
#include "tests/support/synthetic_space.hpp"

namespace ktune::tuner {
namespace {

TEST(Shard, PartsAreDisjointBalancedAndCoverTheSpace) {
  const Space space = test::synthetic_space();
  const auto valid = space.enumerate();
  for (std::size_t n : {1u, 2u, 3u, 7u}) {
    std::set<Config> seen;
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto part = shard_of(space, valid, {i, n});
      EXPECT_LE(part.size(), valid.size() / n + 1);
      EXPECT_GE(part.size(), valid.size() / n);
      for (const auto& c : part)
        EXPECT_TRUE(seen.insert(c).second) << "in two shards: " << space.canonical(c);
      total += part.size();
      // Kept in enumeration order.
      EXPECT_TRUE(std::is_sorted(part.begin(), part.end()));
    }
    EXPECT_EQ(total, valid.size());
    EXPECT_EQ(seen, std::set<Config>(valid.begin(), valid.end()));
  }
}

TEST(Shard, IndependentOfEnumerationOrder) {
  const Space space = test::synthetic_space();
  auto valid = space.enumerate();
  const auto part = shard_of(space, valid, {1, 4});
  std::reverse(valid.begin(), valid.end());
  auto again = shard_of(space, valid, {1, 4});
  std::sort(again.begin(), again.end());
  EXPECT_EQ(part, again);
}

TEST(Shard, ParsesIOverNAndRejectsTheRest) {
  const auto s = parse_shard("2/5");
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.count, 5u);
  for (const char* bad : {"5/5", "1", "a/4", "1/0", "-1/4", "1/4x", "/4", ""})
    EXPECT_THROW(parse_shard(bad), UsageError) << bad;
  try {
    parse_shard("4/4");
    FAIL() << "accepted 4/4";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("0..3"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ktune::tuner
