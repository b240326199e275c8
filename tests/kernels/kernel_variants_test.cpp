// Every configuration of a covering sample of each family's space, compiled once on the OpenCL
// device (PoCL in CI) and verified on awkward shapes: sizes that are no multiple of any tile,
// single elements, tall-skinny and K = 1 products, batches, odd images, 1x1 and 7x7 filters,
// stride 2, padding 0 and 3, dilation 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "kernels/family.hpp"
#include "kernels/sample.hpp"
#include "variant_runner.hpp"

namespace ktune::test {
namespace {

struct FamilyCase {
  std::string family;
  // Configurations, split over `shards` tests that CTest runs in parallel. Each costs about a
  // second on PoCL (build, then the first launch finalises the work-group code); the runs on the
  // small shapes are negligible.
  std::size_t sample_size;
  int shards;
  std::vector<std::string> shapes;
};

const std::vector<FamilyCase>& cases() {
  static const std::vector<FamilyCase> list{
      {"matmul",
       100,
       4,
       {"1x1x1", "257x129x65", "1031x6x9", "7x300x1", "48x36x44", "33x17x70,beta=1"}},
      {"conv2d",
       100,
       4,
       {"n=1,c=1,h=1,w=1,k=1,r=1", "n=2,c=3,h=9,w=11,k=5,r=3,pad=1",
        "n=1,c=5,h=13,w=7,k=7,r=1,stride=2", "n=1,c=3,h=10,w=9,k=6,r=7,pad=3",
        "n=2,c=4,h=12,w=13,k=9,r=3,stride=2,pad=1,dil=2", "n=1,c=17,h=6,w=5,k=33,r=3,s=2"}},
  };
  return list;
}

class KernelVariants : public ::testing::TestWithParam<std::pair<std::size_t, int>> {};

TEST_P(KernelVariants, EverySampledConfigurationIsCorrectOnEveryShape) {
  const auto [case_index, shard] = GetParam();
  const auto& fc = cases()[case_index];
  auto device = open_opencl_device();
  ASSERT_TRUE(device);
  const auto& family = kernels::find_family(fc.family);

  // The space of the first shape; every family's space depends on the device only, so each
  // configuration is valid for every shape (checked below).
  std::vector<ShapeCase> shapes;
  for (const auto& s : fc.shapes)
    shapes.push_back(prepare_shape(*device, family, s));
  const auto space = family.space(shapes.front().problem, device->info());
  const auto sample = kernels::covering_sample(space, fc.sample_size, 2024);
  ASSERT_GE(sample.size(), fc.sample_size);

  const auto start = std::chrono::steady_clock::now();
  int checked = 0;
  for (std::size_t i = static_cast<std::size_t>(shard); i < sample.size();
       i += static_cast<std::size_t>(fc.shards)) {
    const auto& config = sample[i];
    const std::string name = space.canonical(config);
    const auto plan = family.plan(space, config);
    std::unique_ptr<profiles::Program> program;
    try {
      program = device->compile(plan.source);
    } catch (const VariantFailure& e) {
      ADD_FAILURE() << name << ": " << e.what();
      continue;
    }
    for (auto& shape : shapes) {
      const auto other = family.space(shape.problem, device->info());
      EXPECT_TRUE(other.is_valid(config)) << name << " on " << shape.problem.canonical();
      const auto here = family.plan(other, config);
      EXPECT_EQ(here.source.code, plan.source.code);
      EXPECT_EQ(here.source.defines, plan.source.defines);
      try {
        const auto verdict = run_on_shape(*device, *program, family, other, config, shape);
        EXPECT_TRUE(verdict.ok) << name << " on " << shape.problem.canonical() << ": "
                                << verdict.message;
      } catch (const VariantFailure& e) {
        ADD_FAILURE() << name << " on " << shape.problem.canonical() << ": " << e.what();
      }
    }
    ++checked;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << fmt::format("{} shard {}: {} configurations x {} shapes in {:.1f} s\n", fc.family,
                           shard, checked, shapes.size(), seconds);
}

std::vector<std::pair<std::size_t, int>> all_shards() {
  std::vector<std::pair<std::size_t, int>> list;
  for (std::size_t c = 0; c < cases().size(); ++c)
    for (int s = 0; s < cases()[c].shards; ++s)
      list.emplace_back(c, s);
  return list;
}

// The matmul space's shared-memory constraint counts what the compiled kernel really allocates:
// with the device's shared memory set to the bytes the OpenCL compiler reports for a kernel's
// __local tiles the configuration is admitted, and with one byte less it is not.
TEST(MatmulSharedMemory, TheConstraintCountsWhatTheCompiledKernelAllocates) {
  auto device = open_opencl_device();
  ASSERT_TRUE(device);
  const auto& family = kernels::find_family("matmul");
  const Problem problem = family.parse_shape("64x64x64");
  auto space_with_shared = [&](std::uint64_t bytes) {
    DeviceInfo d = device->info();
    d.max_threads_per_block = 256;
    d.shared_memory_per_block = bytes;
    return family.space(problem, d);
  };
  const auto space = space_with_shared(8192);
  auto sample = kernels::covering_sample(space, 6, 3);
  sample.resize(std::min<std::size_t>(sample.size(), 6));
  int staged = 0;
  for (const auto& c : sample) {
    const auto text = space.canonical(c);
    const auto program = device->compile(family.plan(space, c).source);
    ASSERT_TRUE(program->resources.shared_bytes) << text;
    const auto bytes = static_cast<std::uint64_t>(*program->resources.shared_bytes);
    EXPECT_LE(bytes, 8192u) << text;
    if (bytes == 0) continue;
    ++staged;
    const auto exact = space_with_shared(bytes), short_by_one = space_with_shared(bytes - 1);
    EXPECT_FALSE(exact.violation(exact.parse_config(text))) << text << " needs " << bytes;
    EXPECT_TRUE(short_by_one.violation(short_by_one.parse_config(text)))
        << text << " needs " << bytes << " bytes, the constraint counts fewer";
  }
  EXPECT_GT(staged, 0) << "the sample stages nothing through shared memory";
}

INSTANTIATE_TEST_SUITE_P(Sample, KernelVariants, ::testing::ValuesIn(all_shards()),
                         [](const auto& param_info) {
                           return fmt::format("{}_shard{}", cases()[param_info.param.first].family,
                                              param_info.param.second);
                         });

}  // namespace
}  // namespace ktune::test
