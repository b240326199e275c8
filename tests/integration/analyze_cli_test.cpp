// `ktune analyze` end to end, offline: formats, sampling, the compile cache across runs, and the
// usage errors (exit 2, one line) for unknown or uncompilable architectures.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/integration/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace ktune {
namespace {

class AnalyzeCli : public ::testing::Test {
 protected:
  test::CommandResult analyze(std::vector<std::string> args) {
    args.insert(args.begin(), "analyze");
    return test::run_command(KTUNE_BINARY, args, {{"XDG_CACHE_HOME", cache_.path().string()}});
  }
  test::TempDir cache_;
};

TEST_F(AnalyzeCli, JsonReportsEveryAnalysedVariant) {
  const auto r = analyze(
      {"matmul", "--shape", "128x128x128", "--arch", "sm_90", "--limit", "3", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["arch"], "sm_90");
  EXPECT_EQ(doc["analysed"], 3);
  EXPECT_GE(doc["space_size"].get<int>(), 3);
  EXPECT_NEAR(doc["arithmetic_intensity"].get<double>(),
              doc["flops"].get<double>() / doc["min_bytes"].get<double>(), 1e-9);
  ASSERT_EQ(doc["variants"].size(), 3u);
  for (const auto& v : doc["variants"]) {
    EXPECT_EQ(v["outcome"], "correct") << v.dump();
    const auto& resources = v["resources"];
    EXPECT_GT(resources["registers"].get<int>(), 0);
    EXPECT_GT(resources["theoretical_occupancy"].get<double>(), 0.0);
    EXPECT_LE(resources["theoretical_occupancy"].get<double>(), 1.0);
    EXPECT_FALSE(resources["occupancy_limiter"].get<std::string>().empty());
    EXPECT_FALSE(v["cached"].get<bool>());
  }
  EXPECT_EQ(doc["compiled"], 3);

  // The same analysis again compiles nothing.
  const auto again = analyze(
      {"matmul", "--shape", "128x128x128", "--arch", "sm_90", "--limit", "3", "--format", "json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto second = nlohmann::json::parse(again.out);
  EXPECT_EQ(second["cached"], 3);
  EXPECT_EQ(second["compiled"], 0);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(second["variants"][i]["resources"]["registers"],
              doc["variants"][i]["resources"]["registers"]);
}

TEST_F(AnalyzeCli, CsvAndTableCarryTheSameColumns) {
  const auto csv = analyze(
      {"matmul", "--shape", "64x64x64", "--arch", "sm_80", "--limit", "2", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const auto rows = test::lines(csv.out);
  ASSERT_EQ(rows.size(), 3u) << csv.out;
  EXPECT_TRUE(rows[0].starts_with("config,outcome,threads_per_block,")) << rows[0];
  EXPECT_NE(rows[0].find("resources.theoretical_occupancy,active_blocks_per_sm,"
                         "resources.occupancy_limiter"),
            std::string::npos)
      << rows[0];
  EXPECT_NE(rows[1].find(",correct,"), std::string::npos) << rows[1];

  const auto table = analyze({"matmul", "--shape", "64x64x64", "--arch", "sm_80", "--limit", "2"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("for sm_80"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("occupancy"), std::string::npos);
  EXPECT_NE(table.out.find("arithmetic intensity"), std::string::npos);
  EXPECT_NE(table.out.find("2 analysed"), std::string::npos) << table.out;
}

TEST_F(AnalyzeCli, PruneMarksTheVariantsTuningWouldSkip) {
  // occupancy<1 keeps only fully occupied variants: some of the sample are not.
  const auto r = analyze({"matmul", "--shape", "128x128x128", "--arch", "sm_90", "--limit", "8",
                          "--prune", "occupancy<1", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  int marked = 0;
  for (const auto& v : doc["variants"]) {
    const bool full = v["resources"]["theoretical_occupancy"].get<double>() >= 1.0;
    EXPECT_EQ(v["pruned_by"].is_null(), full) << v.dump();
    if (!full) {
      ++marked;
      EXPECT_TRUE(v["pruned_by"].get<std::string>().starts_with("pruned by 'occupancy<1'"));
    }
  }
  // The rule decides: some of the sample are marked, and some are not.
  EXPECT_GT(marked, 0) << r.out;
  EXPECT_LT(marked, 8) << r.out;
  const auto table = analyze({"matmul", "--shape", "128x128x128", "--arch", "sm_90", "--limit", "8",
                              "--prune", "occupancy<1"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find(fmt::format("--prune occupancy<1 would skip {} of them", marked)),
            std::string::npos)
      << table.out;
  EXPECT_EQ(analyze({"matmul", "--prune", "spils"}).exit_code, 2);
}

TEST_F(AnalyzeCli, TunePruneIsAUsageErrorWhereTheBackendCannotJudge) {
  const std::string db = (cache_.path() / "results.db").string();
  auto r = test::run_command(KTUNE_BINARY, {"tune", "matmul", "--backend", "opencl", "--shape",
                                            "16x16x16", "--prune", "spills", "--db", db});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(test::lines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("--prune spills: the opencl backend does not report"), std::string::npos)
      << r.err;
  r = test::run_command(KTUNE_BINARY, {"tune", "matmul", "--backend", "opencl", "--prune",
                                       "occupancy<1.5", "--db", db});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("fraction in (0, 1]"), std::string::npos) << r.err;
}

TEST_F(AnalyzeCli, BadInputIsAOneLineUsageError) {
  auto r = analyze({"matmul", "--arch", "sm_91"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(test::lines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("accepted: sm_70, sm_75"), std::string::npos) << r.err;

  r = analyze({"matmul", "--arch", "sm_70", "--limit", "1"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;  // table lists it; NVRTC 13 cannot target it
  EXPECT_NE(r.err.find("sm_70"), std::string::npos) << r.err;

  r = analyze({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("which kernel"), std::string::npos);

  r = analyze({"matmul", "--limit", "0"});
  EXPECT_EQ(r.exit_code, 2);
  r = analyze({"matmul", "--format", "xml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("accepted: table, json, csv"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ktune
