// Offline analysis of real families for several architectures, with no GPU.
#include "profiles/analysis.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "tests/support/temp_dir.hpp"

namespace ktune::profiles {
namespace {

class OfflineAnalysis : public ::testing::Test {
 protected:
  void SetUp() override { setenv("XDG_CACHE_HOME", cache_.path().c_str(), 1); }
  test::TempDir cache_;
};

TEST_F(OfflineAnalysis, OfflineDeviceCarriesTheArchitecturesLimits) {
  const auto h100 = offline_device("sm_90");
  EXPECT_EQ(h100.architecture, "sm_90");
  EXPECT_EQ(h100.backend, "cuda");
  EXPECT_EQ(h100.max_threads_per_block, 1024);
  EXPECT_EQ(h100.shared_memory_per_block, 48u * 1024);
  EXPECT_EQ(h100.shared_memory_per_block_optin, 227u * 1024);
  EXPECT_THROW(offline_device("sm_42"), UsageError);
  EXPECT_NE(offline_architectures().find("sm_120"), std::string::npos);
}

TEST_F(OfflineAnalysis, EveryMatmulVariantGetsResourcesAndOccupancy) {
  const auto& family = kernels::find_family("matmul");
  const Problem problem = family.parse_shape("256x256x256");
  for (const char* arch : {"sm_80", "sm_90"}) {
    const auto space = family.space(problem, offline_device(arch));
    auto configs = space.enumerate();
    if (configs.size() > 12) configs.resize(12);
    AnalysisOptions options;
    options.arch = arch;
    const auto report = analyze_offline(family, space, configs, options);
    EXPECT_EQ(report.arch, arch);
    EXPECT_TRUE(report.compiler.starts_with("NVRTC "));
    ASSERT_EQ(report.variants.size(), configs.size());
    for (const auto& v : report.variants) {
      EXPECT_EQ(v.config, configs[&v - report.variants.data()]);
      ASSERT_EQ(v.outcome, Outcome::correct) << space.canonical(v.config) << ": " << v.message;
      ASSERT_TRUE(v.resources.registers);
      EXPECT_GT(*v.resources.registers, 0);
      ASSERT_TRUE(v.resources.theoretical_occupancy);
      EXPECT_GT(*v.resources.theoretical_occupancy, 0.0);
      EXPECT_LE(*v.resources.theoretical_occupancy, 1.0);
      EXPECT_FALSE(v.resources.occupancy_limiter.empty());
      EXPECT_GT(v.active_blocks_per_sm, 0);
      EXPECT_GT(v.geometry.threads_per_block(), 0u);
    }
  }
}

TEST_F(OfflineAnalysis, InvalidConfigurationsAreReportedNotCompiled) {
  const auto& family = kernels::find_family("matmul");
  const Problem problem = family.parse_shape("64x64x64");
  const auto space = family.space(problem, offline_device("sm_90"));
  Config bad = space.default_config();
  for (auto& v : bad.values)
    v = -12345;
  const std::vector<Config> configs{space.default_config(), bad};
  const auto report = analyze_offline(family, space, configs, {});
  ASSERT_EQ(report.variants.size(), 2u);
  EXPECT_EQ(report.variants[0].outcome, Outcome::correct) << report.variants[0].message;
  EXPECT_EQ(report.variants[1].outcome, Outcome::invalid);
  EXPECT_FALSE(report.variants[1].message.empty());
}

TEST_F(OfflineAnalysis, SecondAnalysisCompilesNothing) {
  const auto& family = kernels::find_family("matmul");
  const Problem problem = family.parse_shape("64x64x64");
  const auto space = family.space(problem, offline_device("sm_90"));
  auto configs = space.enumerate();
  if (configs.size() > 6) configs.resize(6);
  const auto first = analyze_offline(family, space, configs, {});
  const auto second = analyze_offline(family, space, configs, {});
  for (std::size_t i = 0; i < configs.size(); ++i) {
    EXPECT_FALSE(first.variants[i].cached);
    EXPECT_TRUE(second.variants[i].cached);
    EXPECT_EQ(second.variants[i].compile_ms, 0.0);
    EXPECT_EQ(second.variants[i].resources.registers, first.variants[i].resources.registers);
  }
  AnalysisOptions no_cache;
  no_cache.use_cache = false;
  const auto third = analyze_offline(family, space, configs, no_cache);
  for (const auto& v : third.variants)
    EXPECT_FALSE(v.cached);
}

}  // namespace
}  // namespace ktune::profiles
