#include "space/space_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "tests/support/synthetic_space.hpp"

namespace ktune::tuner {
namespace {

int differing(const Config& a, const Config& b) {
  int n = 0;
  for (std::size_t i = 0; i < a.values.size(); ++i)
    n += a.values[i] != b.values[i];
  return n;
}

TEST(SpaceIndex, FindsEveryPointAndNothingElse) {
  const Space space = test::synthetic_space();
  const auto valid = space.enumerate();
  const SpaceIndex index(space, valid);
  ASSERT_EQ(index.size(), valid.size());
  for (std::size_t i = 0; i < valid.size(); ++i) {
    EXPECT_EQ(index.find(valid[i]), i);
    const auto positions = index.positions(i);
    EXPECT_EQ(index.find_positions(positions), i);
    for (std::size_t p = 0; p < positions.size(); ++p)
      EXPECT_EQ(space.params()[p].values[positions[p]], valid[i].values[p]);
  }
  Config outside = space.parse_config("BX=32,BY=16");  // 512 threads: invalid
  ASSERT_FALSE(space.is_valid(outside));
  EXPECT_FALSE(index.find(outside));
  EXPECT_FALSE(index.find(Config{{1, 2}}));
}

TEST(SpaceIndex, NeighboursEqualBruteForce) {
  const Space space = test::synthetic_space();
  const auto valid = space.enumerate();
  const SpaceIndex index(space, valid);
  for (std::size_t i = 0; i < valid.size(); ++i) {
    // Hamming: every valid point that differs in exactly one parameter.
    std::set<std::size_t> expected;
    for (std::size_t j = 0; j < valid.size(); ++j)
      if (differing(valid[i], valid[j]) == 1) expected.insert(j);
    const auto hamming = index.neighbours(i, Neighbourhood::hamming);
    EXPECT_EQ(std::set<std::size_t>(hamming.begin(), hamming.end()), expected);
    EXPECT_EQ(hamming.size(), expected.size()) << "no duplicates";

    // Adjacent: along each parameter, the nearest valid position below and above.
    std::set<std::size_t> adjacent_expected;
    for (std::size_t p = 0; p < space.params().size(); ++p) {
      const auto own = index.position(i, p);
      std::optional<std::size_t> below, above;
      for (std::size_t j : expected) {
        if (valid[j].values[p] == valid[i].values[p]) continue;
        const auto pos = index.position(j, p);
        if (pos < own && (!below || pos > index.position(*below, p))) below = j;
        if (pos > own && (!above || pos < index.position(*above, p))) above = j;
      }
      if (below) adjacent_expected.insert(*below);
      if (above) adjacent_expected.insert(*above);
    }
    const auto adjacent = index.neighbours(i, Neighbourhood::adjacent);
    EXPECT_EQ(std::set<std::size_t>(adjacent.begin(), adjacent.end()), adjacent_expected);
  }
}

TEST(SpaceIndex, DropsDuplicatesAndKeepsOrder) {
  const Space space = test::synthetic_space();
  auto valid = space.enumerate();
  std::vector<Config> doubled{valid[3], valid[1], valid[3], valid[0]};
  const SpaceIndex index(space, doubled);
  ASSERT_EQ(index.size(), 3u);
  EXPECT_EQ(index.config(0), valid[3]);
  EXPECT_EQ(index.config(1), valid[1]);
  EXPECT_EQ(index.config(2), valid[0]);
}

TEST(SpaceIndex, FeaturesAreScaledPositionsPlusAlignment) {
  // BX = 8, 16, 24, 32: 24 breaks the power-of-two pattern, so BX gets an alignment feature,
  // and so does T = 1, 2, 3; BY = 1..16 are powers of two (alignment follows position): none.
  const Space space = test::synthetic_space();
  const SpaceIndex index(space, space.enumerate());
  ASSERT_EQ(index.varying().size(), 5u);
  ASSERT_EQ(index.feature_count(), 7u);
  const auto found = index.find(space.parse_config("BX=24,BY=8,T=3,SMEM=1,ALGO=wide"));
  ASSERT_TRUE(found);
  const auto point = *found;
  const auto x = index.features(point);
  ASSERT_EQ(x.size(), 7u);
  EXPECT_DOUBLE_EQ(x[0], 2.0 / 3);  // BX position 2 of 0..3
  EXPECT_DOUBLE_EQ(x[1], 0.75);     // BY=8: position 3 of 0..4
  EXPECT_DOUBLE_EQ(x[2], 1.0);
  EXPECT_DOUBLE_EQ(x[3], 1.0);
  EXPECT_DOUBLE_EQ(x[4], 1.0);
  EXPECT_DOUBLE_EQ(x[5], 3.0 / 5);  // 24 = 8 * 3: three factors of two; 32 has five
  EXPECT_DOUBLE_EQ(x[6], 0.0);      // T = 3 is odd
  for (std::size_t i = 0; i < index.size(); ++i)
    for (double v : index.features(i)) {
      EXPECT_GE(v, 0.0);
      EXPECT_LE(v, 1.0);
    }
}

TEST(SpaceIndex, HugeCrossProductsStillIndex) {
  // 20 parameters of 16 values: 16^20 = 2^80 points in the cross product, beyond 64-bit keys.
  std::vector<Param> params;
  std::vector<std::int64_t> values;
  for (int v = 0; v < 16; ++v)
    values.push_back(v);
  for (int p = 0; p < 20; ++p)
    params.push_back(Param::integer("P" + std::to_string(p), values, 0));
  const Space space(params);
  Config a{std::vector<std::int64_t>(20, 0)}, b = a, c = a;
  b.values[7] = 5;
  c.values[7] = 5;
  c.values[8] = 9;
  const SpaceIndex index(space, {a, b, c});
  EXPECT_EQ(index.find(c), 2u);
  const auto near = index.neighbours(1, Neighbourhood::hamming);
  EXPECT_EQ(std::set<std::size_t>(near.begin(), near.end()), (std::set<std::size_t>{0, 2}));
  const auto adjacent = index.neighbours(0, Neighbourhood::adjacent);
  EXPECT_EQ(adjacent, (std::vector<std::size_t>{1}));
}

}  // namespace
}  // namespace ktune::tuner
