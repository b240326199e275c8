// The Profiler Host API run for real, offline, from chip names: the configured metric set
// validates on every discrete chip from GA100 to GB20x in one pass, names map per chip, and bad
// names are rejected with messages that say what is accepted.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "core/error.hpp"
#include "profiles/cuda/cupti/metric_config.hpp"
#include "profiles/metrics/names.hpp"

namespace ktune::profiles::cuda::cupti {
namespace {

namespace names = ktune::profiles::metrics;

const char* const kDiscreteChips[] = {"GA100", "GA102", "AD102", "GH100", "GB100", "GB202"};

std::string term_of(const MetricConfig& config, std::string_view metric, std::size_t term = 0) {
  for (const auto& m : config.resolution().metrics)
    if (m.name == metric) return m.terms.at(term).cupti_name;
  return {};
}

bool has_metric(const MetricConfig& config, std::string_view metric) {
  return !term_of(config, metric).empty();
}

class DiscreteChip : public ::testing::TestWithParam<const char*> {};

TEST_P(DiscreteChip, StandardSetIsCompleteAndOnePass) {
  MetricConfig config(GetParam(), {});
  EXPECT_EQ(config.passes(), 1u);
  EXPECT_TRUE(config.resolution().dropped.empty())
      << config.resolution().dropped.front().name << ": "
      << config.resolution().dropped.front().reason;
  EXPECT_EQ(config.resolution().metrics.size(), default_metric_set(false).size());
  EXPECT_FALSE(config.config_image().empty());
  for (auto metric : {names::kDramBytesRead, names::kDramBytesWrite, names::kDramThroughputPct,
                      names::kAchievedOccupancyPct, names::kSmCyclesActive, names::kL2Bytes,
                      names::kSharedWavefronts, names::kSharedBankConflicts,
                      names::kTensorPipeActivePct, names::kProfiledDuration})
    EXPECT_TRUE(has_metric(config, metric)) << metric;
}

TEST_P(DiscreteChip, FlopCountsAddExactlyOnePass) {
  MetricConfig config(GetParam(), {.flops = true, .extra = {}});
  EXPECT_EQ(config.passes(), 2u);
  EXPECT_TRUE(config.resolution().dropped.empty());
  EXPECT_EQ(term_of(config, names::kFlopCountFp32, 2),
            "smsp__sass_thread_inst_executed_op_ffma_pred_on.sum");
}

// The unit ktune stores must be what CUPTI says the metric measures: a wrong choice of rollup
// or submetric (a rate where a count was meant) shows up here.
TEST_P(DiscreteChip, UnitsAgreeWithCupti) {
  const std::map<std::string, std::string> ktune_unit{{"nanosecond", "ns"},
                                                      {"byte", "byte"},
                                                      {"percent", "%"},
                                                      {"byte/second", "byte/s"},
                                                      {"warp", "warp"},
                                                      {"gpc_cycle", "cycle"},
                                                      {"gpc_cycle/second", "Hz"},
                                                      {"l1tex_wavefront", "wavefront"},
                                                      {"l1data_bank_conflict", "conflict"},
                                                      {"instruction", "warp instruction"}};
  MetricConfig config(GetParam(), {});
  for (const auto& m : config.resolution().metrics) {
    const auto dimension = config.properties(m.terms.front().cupti_name).dimension;
    ASSERT_TRUE(ktune_unit.contains(dimension)) << m.name << ": " << dimension;
    EXPECT_EQ(ktune_unit.at(dimension), m.unit) << m.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Cupti, DiscreteChip, ::testing::ValuesIn(kDiscreteChips));

TEST(MetricConfig, DramNamesFollowTheChip) {
  EXPECT_EQ(term_of(MetricConfig("GH100", {}), names::kDramBytesRead), "dram__bytes_read.sum");
  EXPECT_EQ(term_of(MetricConfig("GA102", {}), names::kDramBytesWrite), "dram__bytes_write.sum");
  EXPECT_EQ(term_of(MetricConfig("GB202", {}), names::kDramBytesRead), "dram__bytes_op_read.sum");
  EXPECT_EQ(term_of(MetricConfig("GB202", {}), names::kDramBytesWrite), "dram__bytes_op_write.sum");
}

TEST(MetricConfig, IntegratedChipDropsDramAndSaysWhy) {
  MetricConfig config("GB20B", {});
  EXPECT_FALSE(has_metric(config, names::kDramBytesRead));
  EXPECT_TRUE(has_metric(config, names::kAchievedOccupancyPct));
  const auto& dropped = config.resolution().dropped;
  auto read = std::find_if(dropped.begin(), dropped.end(),
                           [](const auto& d) { return d.name == names::kDramBytesRead; });
  ASSERT_NE(read, dropped.end());
  EXPECT_EQ(read->reason, "GB20B has no dram__bytes_read or dram__bytes_op_read");
  EXPECT_EQ(config.passes(), 1u);
}

TEST(MetricConfig, ChipNamesAreCaseInsensitive) {
  EXPECT_EQ(MetricConfig("gh100", {}).chip(), "GH100");
}

TEST(MetricConfig, UnknownChipListsTheKnownOnes) {
  try {
    MetricConfig config("GX999", {});
    FAIL() << "accepted an unknown chip";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("unknown chip 'GX999'"), std::string::npos) << what;
    EXPECT_NE(what.find("GH100"), std::string::npos) << what;
    EXPECT_NE(what.find("GB202"), std::string::npos) << what;
  }
}

TEST(MetricConfig, InvalidMetricNameIsNamedInTheError) {
  try {
    MetricConfig config("GH100", {.flops = false, .extra = {"dram__bytes_typo.sum"}});
    FAIL() << "accepted an invalid metric";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("'dram__bytes_typo.sum' is not a metric of GH100"), std::string::npos)
        << what;
  }
}

TEST(MetricConfig, ValidExtraMetricIsCollectedWithCuptisUnit) {
  MetricConfig config(
      "GH100", {.flops = false, .extra = {"sm__throughput.avg.pct_of_peak_sustained_elapsed"}});
  ASSERT_TRUE(has_metric(config, "sm__throughput.avg.pct_of_peak_sustained_elapsed"));
  EXPECT_EQ(config.resolution().metrics.back().unit, "percent");
  // SOL throughputs are expensive: the notes measured 5-8 passes for this one alone.
  EXPECT_GT(config.passes(), 1u);
}

TEST(MetricConfig, CorruptCounterDataIsRefusedWithTheCallNamed) {
  MetricConfig config("GH100", {});
  const std::vector<std::uint8_t> junk(4096, 0);
  try {
    config.evaluate(junk, 0);
    FAIL() << "evaluated a corrupt counter-data image";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cuptiProfilerHostEvaluateToGpuValues"), std::string::npos)
        << e.what();
  }
}

TEST(MetricConfig, SupportedChipsCoverAmpereToBlackwell) {
  const auto chips = supported_chips();
  for (const char* chip : kDiscreteChips)
    EXPECT_NE(std::find(chips.begin(), chips.end(), chip), chips.end()) << chip;
}

TEST(MetricConfig, BaseMetricsOfAChipIncludeWhatKtuneUses) {
  const auto base = chip_base_metrics("AD102");
  EXPECT_GT(base.size(), 1000u);
  EXPECT_TRUE(std::binary_search(base.begin(), base.end(), "sm__warps_active"));
  EXPECT_FALSE(std::binary_search(base.begin(), base.end(), "dram__bytes_op_read"));
}

}  // namespace
}  // namespace ktune::profiles::cuda::cupti
