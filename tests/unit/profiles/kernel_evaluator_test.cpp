#include "profiles/kernel_evaluator.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "kernels/family.hpp"
#include "kernels/sample.hpp"
#include "test_device.hpp"
#include "tests/support/forwarding_device.hpp"

namespace ktune::profiles {
namespace {

MeasureOptions quick() {
  MeasureOptions o;
  o.min_runs = 2;
  o.max_runs = 3;
  o.warmup_runs = 0;
  return o;
}

TEST(KernelEvaluator, EveryMatmulVariantIsCorrectOnAwkwardShapes) {
  auto device = open_test_device();
  ASSERT_TRUE(device);
  const auto& family = kernels::find_family("matmul");
  for (const char* shape : {"1x1x1", "257x129x65", "70x3x1", "3x70x200"}) {
    const Problem problem = family.parse_shape(shape);
    const auto space = family.space(problem, device->info());
    KernelEvaluator evaluator(family, problem, space, *device, quick());
    auto sample = kernels::covering_sample(space, 4, 1);  // the space has thousands
    sample.resize(4);
    for (const auto& config : sample) {
      const auto e = evaluator.evaluate(config);
      EXPECT_EQ(e.outcome, Outcome::correct)
          << shape << " " << space.canonical(config) << ": " << e.message;
      EXPECT_GE(e.samples_ms.size(), 2u);
      ASSERT_TRUE(e.max_error.has_value());
      EXPECT_LT(*e.max_error, evaluator.reference().tolerance);
    }
  }
}

TEST(KernelEvaluator, InvalidConfigurationIsRecordedNotThrown) {
  auto device = open_test_device();
  ASSERT_TRUE(device);
  const auto& family = kernels::find_family("matmul");
  const Problem problem = family.parse_shape("8x8x8");
  const auto space = family.space(problem, device->info());
  KernelEvaluator evaluator(family, problem, space, *device, quick());
  const auto e = evaluator.evaluate(Config{{12, 5}});
  EXPECT_EQ(e.outcome, Outcome::invalid);
  EXPECT_FALSE(e.message.empty());
}

TEST(KernelEvaluator, SampleGivesMoreRunsOfACorrectVariant) {
  auto device = open_test_device();
  ASSERT_TRUE(device);
  const auto& family = kernels::find_family("matmul");
  const Problem problem = family.parse_shape("32x32x32");
  const auto space = family.space(problem, device->info());
  KernelEvaluator evaluator(family, problem, space, *device, quick());
  const auto config = space.default_config();
  ASSERT_TRUE(evaluator.evaluate(config).ok());
  EXPECT_EQ(evaluator.sample(config, 4).size(), 4u);
}

// Forwards to a real device and records what it is asked to compile ahead and to compile.
class PrecompileRecorder final : public test::ForwardingDevice {
 public:
  using ForwardingDevice::ForwardingDevice;
  std::unique_ptr<Program> compile(const KernelSource& s) override {
    compiled.push_back(s);
    return ForwardingDevice::compile(s);
  }
  void precompile(std::span<const KernelSource> sources) override {
    precompiled.emplace_back(sources.begin(), sources.end());
  }

  std::vector<std::vector<KernelSource>> precompiled;
  std::vector<KernelSource> compiled;
};

TEST(KernelEvaluator, PrepareAheadHandsTheValidVariantsSourcesToTheDeviceAtOnce) {
  auto device = open_test_device();
  ASSERT_TRUE(device);
  PrecompileRecorder recorder(*device);
  const auto& family = kernels::find_family("matmul");
  const Problem problem = family.parse_shape("32x32x32");
  const auto space = family.space(problem, recorder.info());
  KernelEvaluator evaluator(family, problem, space, recorder, quick());
  auto configs = kernels::covering_sample(space, 3, 1);
  configs.resize(3);
  configs.push_back(Config{{12, 5}});  // invalid: left for evaluate() to report
  evaluator.prepare_ahead(configs);
  ASSERT_EQ(recorder.precompiled.size(), 1u);
  ASSERT_EQ(recorder.precompiled[0].size(), 3u);
  // The very sources evaluate() compiles, so the backend's cache serves them.
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(evaluator.evaluate(configs[i]).ok());
    const auto& ahead = recorder.precompiled[0][i];
    const auto& now = recorder.compiled.back();
    EXPECT_EQ(ahead.code, now.code);
    EXPECT_EQ(ahead.entry, now.entry);
    EXPECT_TRUE(ahead.defines == now.defines);
  }
  // Already built configurations are not handed over again; nor is a batch of one.
  evaluator.prepare_ahead(configs);
  EXPECT_EQ(recorder.precompiled.size(), 1u);
}

TEST(KernelEvaluator, ShapeTooLargeForTheDeviceIsAUsageError) {
  auto device = open_test_device();
  ASSERT_TRUE(device);
  const auto& family = kernels::find_family("matmul");
  const Problem problem = family.parse_shape("2000000x2000000x2");
  try {
    check_fits(family, problem, device->info());
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("GiB"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ktune::profiles
