#include <gtest/gtest.h>

#include "kernels/family.hpp"
#include "kernels/sources.hpp"

namespace ktune::kernels {
namespace {

DeviceInfo generic_device() {
  DeviceInfo d;
  d.max_threads_per_block = 1024;
  d.shared_memory_per_block = 48 * 1024;
  return d;
}

TEST(MatmulFamily, DefaultConfigurationIsValidAndPlansCoverTheOutput) {
  const auto& f = find_family("matmul");
  const Problem p = f.parse_shape("257x129x65");
  const auto space = f.space(p, generic_device());
  EXPECT_TRUE(space.is_valid(space.default_config()));
  for (const auto& c : space.enumerate()) {
    const auto plan = f.plan(space, c, p);
    const auto& g = plan.geometry;
    // Every element of C has a thread: grid * tile >= the matrix.
    const auto ts = space.value(c, "TS");
    EXPECT_GE(std::int64_t{g.grid[0]} * ts, 129);
    EXPECT_GE(std::int64_t{g.grid[1]} * ts, 257);
    EXPECT_LE(g.threads_per_block(), 1024u);
  }
}

TEST(MatmulFamily, ReferenceIsExactForSmallIntegers) {
  const auto& f = find_family("matmul");
  const Problem p = f.parse_shape("2x2x2");
  Workload w;
  w.buffers = {{1, 2, 3, 4}, {5, 6, 7, 8}, {0, 0, 0, 0}};
  w.output = 2;
  const auto ref = f.reference(p, w);
  EXPECT_EQ(ref.values, (std::vector<double>{19, 22, 43, 50}));
}

TEST(MatmulFamily, WorkloadIsSeededAndNeverZero) {
  const auto& f = find_family("matmul");
  const Problem p = f.parse_shape("16x8x4");
  const auto a = f.workload(p, 1), b = f.workload(p, 1), c = f.workload(p, 2);
  EXPECT_EQ(a.buffers, b.buffers);
  EXPECT_NE(a.buffers[0], c.buffers[0]);
  std::size_t zeros = 0;
  for (float x : a.buffers[0])
    zeros += x == 0.0f;
  EXPECT_EQ(zeros, 0u);
  EXPECT_EQ(f.flops(p), 2.0 * 16 * 8 * 4);
}

TEST(Sources, DialectIsInlined) {
  const std::string text = assemble("kernels/matmul/matmul.cl");
  EXPECT_EQ(text.find("#include \"ktune_dialect.h\""), std::string::npos);
  EXPECT_NE(text.find("KTUNE_DIALECT_H"), std::string::npos);
}

}  // namespace
}  // namespace ktune::kernels
