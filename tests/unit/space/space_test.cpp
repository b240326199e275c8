#include "space/space.hpp"

#include <gtest/gtest.h>

#include <random>

namespace ktune::tuner {
namespace {

Space small_space() {
  Space space({Param::integer("BM", {16, 32, 64, 128}, 64), Param::integer("TM", {1, 2, 4, 8}, 4),
               Param::integer("VW", {1, 2, 4}, 1), Param::boolean("SMEM_A", true),
               Param::choice("ALGO", {"direct", "gemm"}, "gemm")},
              {{"M", 100}, {"max_threads", 256}});
  space.add_constraint("BM % (TM * VW) == 0 && (SMEM_A || VW == 1)");
  space.add_constraint("BM / TM <= max_threads");
  space.add_constraint("ALGO == gemm || TM == 1");
  return space;
}

// Brute force: the cross product filtered by every constraint, in the same order.
std::vector<Config> brute_force(const Space& space) {
  std::vector<Config> all{Config{}};
  for (const auto& p : space.params()) {
    std::vector<Config> next;
    for (const auto& c : all)
      for (auto v : p.values) {
        Config d = c;
        d.values.push_back(v);
        next.push_back(d);
      }
    all = std::move(next);
  }
  std::vector<Config> valid;
  for (const auto& c : all)
    if (space.is_valid(c)) valid.push_back(c);
  return valid;
}

TEST(Space, EnumerationEqualsFilteredCrossProduct) {
  const Space space = small_space();
  const auto valid = space.enumerate();
  EXPECT_EQ(valid, brute_force(space));
  EXPECT_EQ(space.cross_product_size(), 4u * 4 * 3 * 2 * 2);
  EXPECT_GT(valid.size(), 10u);
  EXPECT_LT(valid.size(), space.cross_product_size());
}

TEST(Space, EnumerationEqualsCrossProductOnRandomSpaces) {
  std::mt19937 rng(7);
  const char* constraints[] = {"A % B == 0",         "A + B < C * 3",   "C != D || A > 2",
                               "max(A, D) % 2 == 0", "B / (C - 2) > 0", "true",
                               "D * D <= A + 4"};
  for (int trial = 0; trial < 60; ++trial) {
    std::vector<Param> params;
    for (const char* name : {"A", "B", "C", "D"}) {
      std::vector<std::int64_t> values;
      const int n = 1 + static_cast<int>(rng() % 5);
      for (int i = 0; i < n; ++i)
        values.push_back(1 + static_cast<std::int64_t>(rng() % 9));
      std::sort(values.begin(), values.end());
      values.erase(std::unique(values.begin(), values.end()), values.end());
      params.push_back(Param::integer(name, values, values.front()));
    }
    Space space(params);
    for (const char* c : constraints)
      if (rng() % 2) space.add_constraint(c);
    EXPECT_EQ(space.enumerate(), brute_force(space)) << "trial " << trial;
  }
}

TEST(Space, ConstantFalseConstraintEmptiesTheSpace) {
  Space space = small_space();
  space.add_constraint("M > 1000");
  EXPECT_TRUE(space.enumerate().empty());
}

TEST(Space, CanonicalTextRoundTrips) {
  const Space space = small_space();
  for (const auto& c : space.enumerate())
    EXPECT_EQ(space.parse_config(space.canonical(c)), c);
  EXPECT_EQ(space.canonical(space.default_config()), "BM=64,TM=4,VW=1,SMEM_A=1,ALGO=gemm");
}

TEST(Space, ParseConfigFillsDefaultsAndRejectsNonsense) {
  const Space space = small_space();
  EXPECT_EQ(space.canonical(space.parse_config("BM=32, ALGO=direct")),
            "BM=32,TM=4,VW=1,SMEM_A=1,ALGO=direct");
  EXPECT_EQ(space.canonical(space.parse_config("SMEM_A=false")),
            "BM=64,TM=4,VW=1,SMEM_A=0,ALGO=gemm");
  EXPECT_THROW(space.parse_config("BX=32"), UsageError);
  EXPECT_THROW(space.parse_config("BM=48"), UsageError);
  EXPECT_THROW(space.parse_config("BM"), UsageError);
  EXPECT_THROW(space.parse_config("BM=32,BM=64"), UsageError);
  try {
    space.parse_config("BM=48");
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("accepted: 16, 32, 64, 128"), std::string::npos)
        << e.what();
  }
}

TEST(Space, ViolationSaysWhy) {
  const Space space = small_space();
  auto why = space.violation(space.parse_config("BM=16,TM=8,VW=4"));
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("violates 'BM % (TM * VW) == 0"), std::string::npos) << *why;
  EXPECT_FALSE(space.violation(space.default_config()).has_value());
}

TEST(Space, FixKeepsOneValue) {
  Space space = small_space();
  space.fix("BM", "32");
  for (const auto& c : space.enumerate())
    EXPECT_EQ(space.value(c, "BM"), 32);
  EXPECT_EQ(space.value(space.default_config(), "BM"), 32);
  EXPECT_THROW(space.fix("BM", "48"), UsageError);
  EXPECT_THROW(space.fix("XX", "1"), UsageError);
}

TEST(Space, ChoiceLabelsAreNamesInConstraints) {
  Space space = small_space();
  space.add_constraint("ALGO == direct");
  for (const auto& c : space.enumerate())
    EXPECT_EQ(space.param("ALGO").format(space.value(c, "ALGO")), "direct");
}

TEST(Space, RestrictToRecordedPoints) {
  Space space = small_space();
  const auto all = space.enumerate();
  std::vector<Config> some{all[3], all[1], all[1], Config{{48, 1, 1, 1, 1}}};
  space.restrict_to(some);
  const auto valid = space.enumerate();
  ASSERT_EQ(valid.size(), 2u);  // deduplicated; the point outside the parameter values dropped
  EXPECT_TRUE(space.is_valid(all[1]));
  EXPECT_FALSE(space.is_valid(all[0]));
}

TEST(Space, DivisionByZeroMakesAPointInvalidNotAnError) {
  Space space({Param::integer("A", {0, 1, 2}, 1)});
  space.add_constraint("4 / A >= 2");
  EXPECT_EQ(space.enumerate().size(), 2u);
}

}  // namespace
}  // namespace ktune::tuner
