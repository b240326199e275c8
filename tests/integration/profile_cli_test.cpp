// `ktune profile` end to end on the OpenCL device (PoCL in CI): one variant reported in full from
// its timing and the analytic model, the CPU baseline beside it, counters declared unavailable
// on a backend without them, the measurement and its metrics stored.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "db/store.hpp"
#include "run_command.hpp"

namespace ktune::test {
namespace {

namespace fs = std::filesystem;

class ProfileCli : public CliFixture {
 protected:
  std::string db() const { return path("results.db"); }

  static const nlohmann::json* metric(const nlohmann::json& doc, const std::string& name) {
    for (const auto& m : doc["metrics"])
      if (m["name"] == name) return &m;
    return nullptr;
  }

  const std::vector<std::string> quick_{
      "--min-runs", "3", "--max-runs", "5", kPatientTimeout[0], kPatientTimeout[1]};
};

TEST_F(ProfileCli, OpenClReportsTimeAnalyticMetricsAndTheCpuBaseline) {
  std::vector<std::string> args{"profile",  "matmul",   "--backend", "opencl",
                                "--shape",  "96x64x80", "--config",  "BM=32,BN=32",
                                "--format", "json",     "--db",      db()};
  args.insert(args.end(), quick_.begin(), quick_.end());
  const auto r = ktune(args);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["outcome"], "correct");
  EXPECT_EQ(doc["device"]["backend"], "opencl");
  EXPECT_NE(doc["config"].get<std::string>().find("BM=32,BN=32"), std::string::npos);
  EXPECT_EQ(doc["params"]["BM"], 32);
  EXPECT_GE(doc["time"]["runs"].get<int>(), 3);

  // Work from the family's model: 2*M*N*K FLOPs, so GFLOP/s follows from the median time.
  const auto* flops = metric(doc, "flop_count");
  ASSERT_NE(flops, nullptr);
  EXPECT_EQ((*flops)["source"], "derived");
  EXPECT_DOUBLE_EQ((*flops)["value"].get<double>(), 2.0 * 96 * 64 * 80);
  const auto* gflops = metric(doc, "gflops");
  ASSERT_NE(gflops, nullptr);
  const double median = doc["time"]["median_ms"];
  EXPECT_NEAR((*gflops)["value"].get<double>(), 2.0 * 96 * 64 * 80 / (median * 1e-3) / 1e9,
              1e-9 * (*gflops)["value"].get<double>());
  ASSERT_NE(metric(doc, "arithmetic_intensity"), nullptr);
  ASSERT_NE(metric(doc, "dram_gbs"), nullptr);
  // No counters on OpenCL: nothing claims to be measured by hardware counters.
  EXPECT_EQ(metric(doc, "achieved_occupancy_pct"), nullptr);
  EXPECT_EQ(metric(doc, "dram_bytes_read"), nullptr);
  EXPECT_NE(doc["counters_problem"].get<std::string>().find("CUDA backend"), std::string::npos);

  // The CPU baseline ran (OpenBLAS) and the speed-up is its median over the variant's.
  ASSERT_TRUE(doc["cpu_baseline"].is_object()) << doc["cpu_baseline_skipped"].dump();
  const double cpu = doc["cpu_baseline"]["time"]["median_ms"];
  const auto* speedup = metric(doc, "speedup_vs_cpu");
  ASSERT_NE(speedup, nullptr);
  EXPECT_NEAR((*speedup)["value"].get<double>(), cpu / median, 1e-9 * cpu / median);

  // Stored: one session with the variant and every metric of the report.
  auto store = db::Store::open(db());
  const auto session = doc["session"].get<std::int64_t>();
  const auto stored = store.evaluations(session);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].evaluation.metrics.size(), doc["metrics"].size());
}

TEST_F(ProfileCli, TableSaysWhatCountersNeedAndShowsEveryMetric) {
  std::vector<std::string> args{"profile", "matmul",   "--backend",     "opencl",
                                "--shape", "32x32x32", "--no-baseline", "--no-store"};
  args.insert(args.end(), quick_.begin(), quick_.end());
  const auto r = ktune(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");  // no counters on OpenCL is expected, not a warning
  for (const char* part :
       {"configuration", "GFLOP/s", "roofline", "skipped (--no-baseline)",
        "hardware counters need the CUDA backend", "arithmetic_intensity", "derived"})
    EXPECT_NE(r.out.find(part), std::string::npos) << part << "\n" << r.out;
  EXPECT_EQ(r.out.find("stored as session"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / ".local/share/ktune/ktune.db"));
}

TEST_F(ProfileCli, BadInputIsAOneLineUsageError) {
  auto usage = [&](std::vector<std::string> args, const std::string& fragment) {
    const auto r = ktune(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err.rfind("ktune: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
  };
  usage({"profile"}, "which kernel?");
  usage({"profile", "matmul", "--backend", "opencl", "--config", "BM=7"}, "BM");
  usage({"profile", "matmul", "--backend", "opencl", "--timer", "rdtsc"},
        "--timer rdtsc: unknown value (accepted: events, cupti)");
  usage({"profile", "matmul", "--backend", "opencl", "--timer", "cupti", "--shape", "8x8x8"},
        "only the 'events' timer");
  usage({"profile", "matmul", "--format", "xml"}, "accepted: table, json");
}

}  // namespace
}  // namespace ktune::test
