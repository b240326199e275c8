// `ktune metrics --chip C`: the offline view of the counters ktune collects on a chip, through
// the real CUPTI Profiler Host API (no GPU).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "run_command.hpp"

namespace ktune::test {
namespace {

CommandResult ktune(std::vector<std::string> args) {
  return run_command(KTUNE_BINARY, args);
}

TEST(MetricsCli, JsonListsTheSetWithUnitsAndOnePass) {
  const auto r = ktune({"metrics", "--chip", "GH100", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["chip"], "GH100");
  EXPECT_EQ(doc["passes"], 1);
  EXPECT_EQ(doc["passes_standard"], 1);
  EXPECT_EQ(doc["passes_with_flops"], 2);
  EXPECT_TRUE(doc["dropped"].empty());
  bool occupancy = false;
  for (const auto& m : doc["metrics"]) {
    EXPECT_FALSE(m["unit"].get<std::string>().empty()) << m.dump();
    if (m["name"] == "achieved_occupancy_pct") {
      occupancy = true;
      EXPECT_EQ(m["terms"][0]["cupti"], "sm__warps_active.avg.pct_of_peak_sustained_active");
      EXPECT_EQ(m["unit"], "%");
    }
  }
  EXPECT_TRUE(occupancy);
}

TEST(MetricsCli, TableShowsPerChipNamesAndWhatAChipLacks) {
  const auto gb202 = ktune({"metrics", "--chip", "gb202"});
  ASSERT_EQ(gb202.exit_code, 0) << gb202.err;
  EXPECT_NE(gb202.out.find("dram__bytes_op_read.sum"), std::string::npos) << gb202.out;
  EXPECT_NE(gb202.out.find("standard set: 1 pass; with --flops: 2 passes"), std::string::npos);

  const auto integrated = ktune({"metrics", "--chip", "GB20B", "--flops"});
  ASSERT_EQ(integrated.exit_code, 0) << integrated.err;
  EXPECT_NE(integrated.out.find("not collected: dram_bytes_read (GB20B has no dram__bytes_read"),
            std::string::npos)
      << integrated.out;
  EXPECT_NE(integrated.out.find("2 x smsp__sass_thread_inst_executed_op_ffma_pred_on.sum"),
            std::string::npos)
      << integrated.out;
}

TEST(MetricsCli, UnknownChipOrMetricIsAUsageError) {
  const auto chip = ktune({"metrics", "--chip", "GX999"});
  EXPECT_EQ(chip.exit_code, 2);
  EXPECT_NE(chip.err.find("unknown chip 'GX999' (this CUPTI knows: "), std::string::npos)
      << chip.err;
  EXPECT_NE(chip.err.find("GA100"), std::string::npos);

  const auto none = ktune({"metrics"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("which chip?"), std::string::npos) << none.err;

  const auto metric = ktune({"metrics", "--chip", "AD102", "--metric", "sm__nonsense.sum"});
  EXPECT_EQ(metric.exit_code, 2);
  EXPECT_NE(metric.err.find("'sm__nonsense.sum' is not a metric of AD102"), std::string::npos)
      << metric.err;
}

TEST(MetricsCli, ExtraMetricRaisesThePassCount) {
  const auto r = ktune(
      {"metrics", "--chip", "GA100", "--format", "json", "--metric", "lts__t_sector_hit_rate.pct"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_GT(doc["passes"].get<int>(), 1);
  EXPECT_EQ(doc["metrics"].back()["group"], "extra");
}

}  // namespace
}  // namespace ktune::test
