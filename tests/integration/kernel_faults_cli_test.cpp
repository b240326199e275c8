// Real kernel faults on PoCL, through the real command line: ktune_probe is ktune with the
// test-only family fault_probe (probe_kernels/), whose ENDLESS=1 kernel never ends and whose
// WILD=1 kernel writes 128 TiB below its buffer. Nothing is injected: the OpenCL runtime runs
// the kernels, and the tune must record the faulty variant, replace its worker and go on.
//
// The faulty variants cost a short --timeout, so the good ones must not come near it: their first
// launch in a cold PoCL cache finalises the kernel (150-350 ms idle, over a second on a loaded
// machine). Each tune test first tunes the good variants once (default timeout) into a PoCL kernel
// cache of its own, so the faulty tune finds them compiled and launches them in milliseconds.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "db/store.hpp"
#include "live_workers.hpp"
#include "run_command.hpp"

namespace ktune::test {
namespace {

using nlohmann::json;

constexpr const char* kTimeoutMs = "2000";

class KernelFaultsCli : public CliFixture {
 protected:
  void warm_pocl_cache() const {
    const auto warm = run(tune("warm.db", {"--set", "ENDLESS=0", "--set", "WILD=0"}));
    ASSERT_EQ(warm.exit_code, 0) << warm.err;
    const auto doc = json::parse(warm.out);  // kept: a range over a temporary's member dangles
    for (const auto& e : doc["evaluations"])
      ASSERT_EQ(e["outcome"], "correct") << e.dump();  // the probe itself is sound
  }

  CommandResult run(const std::vector<std::string>& args) const {
    return ktune(args, {{"POCL_CACHE_DIR", path("pocl-cache")}});
  }

  // The whole fault_probe space of 4096 elements (WG 16, 32, 64) with `more` options.
  std::vector<std::string> tune(const std::string& db, std::vector<std::string> more) const {
    std::vector<std::string> args{"tune",       "fault_probe", "--shape",    "4096", "--exhaustive",
                                  "--min-runs", "3",           "--max-runs", "5",    "--format",
                                  "json",       "--db",        path(db)};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }

  // The stored outcome of every configuration of the only session, which must have completed.
  std::map<std::string, std::string> stored_outcomes(const std::string& db) const {
    db::Store store = db::Store::open(path(db));
    const auto sessions = store.sessions();
    EXPECT_EQ(sessions.size(), 1u);
    if (sessions.empty()) return {};
    EXPECT_EQ(sessions[0].status, SessionStatus::completed);
    std::map<std::string, std::string> outcomes;
    for (const auto& m : store.evaluations(sessions[0].id))
      EXPECT_TRUE(outcomes.emplace(m.config, std::string(to_string(m.evaluation.outcome))).second)
          << m.config << " stored twice";
    return outcomes;
  }

  // The evaluation of `faulty` in a tune's JSON (null if it has none); every other one is correct.
  static json the_fault(const json& doc, const std::string& faulty) {
    json fault;
    for (const auto& e : doc["evaluations"]) {
      if (e["config"] == faulty)
        fault = e;
      else
        EXPECT_EQ(e["outcome"], "correct") << e.dump();
    }
    return fault;
  }
};

TEST_F(KernelFaultsCli, AKernelThatNeverEndsIsKilledAtTheTimeoutAndTheSessionGoesOn) {
  ASSERT_NO_FATAL_FAILURE(warm_pocl_cache());
  const auto r = run(tune(
      "e.db", {"--set", "WILD=0", "--restrict", "!ENDLESS || WG == 32", "--timeout", kTimeoutMs}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json::parse(r.out);
  ASSERT_EQ(doc["evaluations"].size(), 4u) << r.out;
  const json fault = the_fault(doc, "WG=32,ENDLESS=1,WILD=0");
  ASSERT_FALSE(fault.is_null()) << r.out;
  EXPECT_EQ(fault["outcome"], "timeout") << fault.dump();
  EXPECT_NE(fault["message"].get<std::string>().find("the worker was killed"), std::string::npos)
      << fault.dump();
  EXPECT_GE(fault["cost_ms"].get<double>(), 2000) << fault.dump();  // at the timeout, not before
  EXPECT_EQ(doc["session"]["stop_reason"], "space_exhausted");
  EXPECT_EQ(doc["best"]["config"].get<std::string>().find("ENDLESS=1"), std::string::npos);
  const std::map<std::string, std::string> expected{{"WG=16,ENDLESS=0,WILD=0", "correct"},
                                                    {"WG=32,ENDLESS=0,WILD=0", "correct"},
                                                    {"WG=64,ENDLESS=0,WILD=0", "correct"},
                                                    {"WG=32,ENDLESS=1,WILD=0", "timeout"}};
  EXPECT_EQ(stored_outcomes("e.db"), expected);
  EXPECT_TRUE(live_workers(dir_).empty()) << "a worker outlived ktune";
}

TEST_F(KernelFaultsCli, AWildWriteKillsItsWorkerWithSigsegvAndTheSessionGoesOn) {
  ASSERT_NO_FATAL_FAILURE(warm_pocl_cache());
  const auto r = run(tune(
      "w.db", {"--set", "ENDLESS=0", "--restrict", "!WILD || WG == 32", "--timeout", kTimeoutMs}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json::parse(r.out);
  ASSERT_EQ(doc["evaluations"].size(), 4u) << r.out;
  // PoCL runs the kernel on a thread of the worker: the fault is the process's SIGSEGV, the same
  // in the second worker, which is the last to run it.
  const json fault = the_fault(doc, "WG=32,ENDLESS=0,WILD=1");
  ASSERT_FALSE(fault.is_null()) << r.out;
  EXPECT_EQ(fault["outcome"], "launch_error") << fault.dump();
  const auto message = fault["message"].get<std::string>();
  EXPECT_NE(message.find("killed by SIGSEGV twice"), std::string::npos) << fault.dump();
  EXPECT_NE(message.find("not run a third time"), std::string::npos) << fault.dump();
  EXPECT_FALSE(doc["best"].is_null());
  const std::map<std::string, std::string> expected{{"WG=16,ENDLESS=0,WILD=0", "correct"},
                                                    {"WG=32,ENDLESS=0,WILD=0", "correct"},
                                                    {"WG=64,ENDLESS=0,WILD=0", "correct"},
                                                    {"WG=32,ENDLESS=0,WILD=1", "launch_error"}};
  EXPECT_EQ(stored_outcomes("w.db"), expected);
  EXPECT_TRUE(live_workers(dir_).empty()) << "a worker outlived ktune";
}

TEST_F(KernelFaultsCli, ProfileReportsBothFaultsAndSurvivesThem) {
  const auto profile = [&](const std::string& config) {
    return run({"profile", "fault_probe", "--shape", "4096", "--config", config, "--timeout",
                kTimeoutMs, "--no-baseline", "--no-store", "--format", "json"});
  };
  auto r = profile("ENDLESS=1");
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the variant failed; ktune itself did not
  auto doc = json::parse(r.out);
  EXPECT_EQ(doc["outcome"], "timeout") << r.out;
  r = profile("WILD=1");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  doc = json::parse(r.out);
  EXPECT_EQ(doc["outcome"], "launch_error") << r.out;
  EXPECT_NE(doc["message"].get<std::string>().find("SIGSEGV"), std::string::npos) << r.out;
  EXPECT_TRUE(live_workers(dir_).empty()) << "a worker outlived ktune";
}

}  // namespace
}  // namespace ktune::test
