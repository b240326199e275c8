#include "kernels/sample.hpp"

#include <gtest/gtest.h>

#include <set>

#include "kernels/family.hpp"

namespace ktune::kernels {
namespace {

TEST(CoveringSample, CoversEveryValueEveryValidConfigurationTakes) {
  DeviceInfo d;
  d.backend = "cuda";
  d.max_threads_per_block = 1024;
  d.shared_memory_per_block = 48 * 1024;
  for (const auto* family : all_families()) {
    const auto space = family->space(family->default_problem(), d);
    const auto valid = space.enumerate();
    const auto sample = covering_sample(space, 50, 7);
    ASSERT_GE(sample.size(), 50u);
    EXPECT_EQ(sample.front(), space.default_config());
    std::set<Config> distinct(sample.begin(), sample.end());
    EXPECT_EQ(distinct.size(), sample.size());
    for (std::size_t p = 0; p < space.params().size(); ++p) {
      std::set<std::int64_t> possible, taken;
      for (const auto& c : valid)
        possible.insert(c.values[p]);
      for (const auto& c : sample) {
        EXPECT_TRUE(space.is_valid(c));
        taken.insert(c.values[p]);
      }
      EXPECT_EQ(taken, possible) << family->name() << " " << space.params()[p].name;
    }
    EXPECT_EQ(covering_sample(space, 50, 7), sample);
    EXPECT_NE(covering_sample(space, 50, 8), sample);
  }
}

TEST(CoveringSample, ASmallSpaceIsTakenWhole) {
  Space space({Param::integer("A", {1, 2, 3}, 1)});
  space.add_constraint("A != 2");
  EXPECT_EQ(covering_sample(space, 10, 1).size(), 2u);
}

}  // namespace
}  // namespace ktune::kernels
