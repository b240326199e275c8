// `ktune baseline` and `ktune tune conv2d` end to end (the OpenCL device for tuning).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "kernels/family.hpp"
#include "run_command.hpp"

namespace ktune::test {
namespace {

namespace fs = std::filesystem;

CommandResult ktune(const std::vector<std::string>& args) {
  return run_command(KTUNE_BINARY, args, {{"KTUNE_DB", ""}});
}

void expect_usage_error(const CommandResult& r, const std::string& fragment) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const auto err = lines(r.err);
  ASSERT_EQ(err.size(), 1u) << r.err;
  EXPECT_NE(err[0].find(fragment), std::string::npos) << err[0];
}

const std::vector<std::string> kQuick{"--warmup", "0", "--min-runs", "2", "--max-runs", "2"};

TEST(BaselineCli, MatmulReportsOpenBlasAsJson) {
  std::vector<std::string> args{"baseline",  "matmul", "--shape",  "96x64x32",
                                "--threads", "1",      "--format", "json"};
  args.insert(args.end(), kQuick.begin(), kQuick.end());
  const auto r = ktune(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["problem"], "m=96,n=64,k=32");
  EXPECT_EQ(doc["flops"].get<double>(), 2.0 * 96 * 64 * 32);
  EXPECT_EQ(doc["best"]["method"], "openblas_sgemm");
  EXPECT_EQ(doc["best"]["threads"], 1);
  EXPECT_EQ(doc["best"]["samples_ms"].size(), 2u);
  EXPECT_GT(doc["best"]["gflops"].get<double>(), 0);
}

TEST(BaselineCli, Conv2dTimesEveryMethodFastestFirst) {
  std::vector<std::string> args{"baseline", "conv2d", "--shape",
                                "n=2,c=8,h=12,w=12,k=16,r=3,pad=1"};
  args.insert(args.end(), kQuick.begin(), kQuick.end());
  const auto r = ktune(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("im2col_sgemm"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GFLOP/s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("best: "), std::string::npos) << r.out;

  args.insert(args.end(), {"--format", "json"});
  const auto j = ktune(args);
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const auto doc = nlohmann::json::parse(j.out);
  const auto& results = doc["results"];
  std::set<std::string> methods;
  for (const auto& m : results)
    methods.insert(m["method"].get<std::string>());
  std::set<std::string> expected{"im2col_sgemm"};
  for (const auto& m : kernels::find_family("conv2d").baseline_methods())
    expected.insert(m);
  EXPECT_EQ(methods, expected) << "every method timed";
  for (std::size_t i = 1; i < results.size(); ++i)
    EXPECT_LE(results[i - 1]["time"]["median_ms"].get<double>(),
              results[i]["time"]["median_ms"].get<double>())
        << "not fastest first: " << results.dump();
  EXPECT_EQ(doc["best"]["method"], results[0]["method"]);
}

TEST(BaselineCli, BadInputIsAOneLineUsageError) {
  expect_usage_error(ktune({"baseline"}), "which kernel");
  expect_usage_error(ktune({"baseline", "fft"}), "unknown kernel 'fft'");
  expect_usage_error(ktune({"baseline", "matmul", "--shape", "0x4x4"}), "at least 1");
  expect_usage_error(ktune({"baseline", "matmul", "--threads", "-2"}), "--threads");
  expect_usage_error(ktune({"baseline", "matmul", "--method", "naive"}),
                     "--method naive: not a CPU baseline of matmul (accepted: openblas_sgemm)");
  expect_usage_error(ktune({"baseline", "conv2d", "--shape", "h=3,w=3,r=5"}), "the filter spans");
  expect_usage_error(ktune({"baseline", "conv2d", "--shape", "stride=0"}), "stride");
  expect_usage_error(ktune({"baseline", "conv2d", "--shape", "c=3,depth=2"}),
                     "unknown key 'depth'");
  expect_usage_error(ktune({"baseline", "matmul", "--format", "xml"}), "accepted: table, json");
}

TEST(TuneCli, Conv2dTunesOnTheOpenClDevice) {
  const fs::path db =
      fs::temp_directory_path() / ("ktune-conv-" + std::to_string(::getpid()) + ".db");
  const auto r =
      ktune({"tune", "conv2d", "--shape", "n=2,c=3,h=9,w=7,k=5,r=3,pad=1", "--db", db.string(),
             "--budget-evals", "2", "--min-runs", "2", "--max-runs", "2", "--format", "json"});
  fs::remove(db);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["evaluations"].size(), 2u);
  for (const auto& e : doc["evaluations"])
    EXPECT_EQ(e["outcome"], "correct") << e.dump();
  EXPECT_EQ(doc["session"]["problem"], "n=2,c=3,h=9,w=7,k=5,r=3,s=3,stride=1,pad=1,dil=1");
}

}  // namespace
}  // namespace ktune::test
