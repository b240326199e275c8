// `ktune tune` end to end: the JSON contract, replays of recorded searches, budgets, resuming
// after a budget, Ctrl-C or kill -9, and shards. Replays run without a device; one test tunes
// a small matmul on the OpenCL device (PoCL in CI).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "db/sqlite.hpp"
#include "db/store.hpp"
#include "run_command.hpp"

namespace ktune::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kDatasets = KTUNE_DATASETS_DIR;

class TuneCli : public CliFixture {
 protected:
  // A Kernel Tuner cache file of 6 x 4 x 2 = 48 entries, three of them failed, with a unique
  // optimum at A=4, B=2, C=y.
  std::string tiny_dataset() const {
    json cache = json::object();
    for (int a = 1; a <= 6; ++a)
      for (int b : {1, 2, 4, 8})
        for (const char* c : {"x", "y"}) {
          json entry = {{"A", a}, {"B", b}, {"C", c}};
          const std::string key = std::to_string(a) + "," + std::to_string(b) + "," + c;
          if (key == "1,8,x")
            entry["time"] = "CompilationFailedConfig";
          else if (key == "6,1,y" || key == "2,4,x")
            entry["time"] = "RuntimeFailedConfig";
          else {
            const double t = 1.0 + 0.1 * (a - 4) * (a - 4) + 0.3 * std::abs(b - 2) +
                             (std::string(c) == "y" ? 0.0 : 0.25);
            entry["time"] = t;
            entry["times"] = {t * 0.99, t, t * 1.01};
          }
          entry["compile_time"] = 500.0;
          entry["benchmark_time"] = 300.0;
          entry["verification_time"] = 100.0;
          entry["framework_time"] = 100.0;
          cache[key] = entry;
        }
    json doc = {
        {"device_name", "Tiny GPU"},
        {"kernel_name", "tiny"},
        {"problem_size", {64, 64}},
        {"tune_params_keys", {"A", "B", "C"}},
        {"tune_params", {{"A", {1, 2, 3, 4, 5, 6}}, {"B", {1, 2, 4, 8}}, {"C", {"x", "y"}}}},
        {"objective", "time"},
        {"cache", cache}};
    const std::string file = path("tiny.json");
    std::ofstream(file) << doc.dump();
    return file;
  }

  static std::vector<std::string> configs(const json& doc) {
    std::vector<std::string> list;
    for (const auto& e : doc["evaluations"])
      list.push_back(e["config"].dump());
    return list;
  }
};

TEST_F(TuneCli, ReplayFollowsTheJsonContract) {
  const auto dataset = tiny_dataset();
  auto r = ktune({"tune", "--dataset", dataset, "--db", path("r.db"), "--format", "json",
                  "--budget-evals", "20", "--seed", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << "stderr must be empty when not a terminal: " << r.err;
  // The top-level keys, in the order they are written.
  std::vector<std::string> keys;
  for (const char* key : {"\n  \"session\"", "\n  \"evaluations\"", "\n  \"best\""})
    if (r.out.find(key) != std::string::npos) keys.push_back(key);
  std::sort(keys.begin(), keys.end(),
            [&](const auto& a, const auto& b) { return r.out.find(a) < r.out.find(b); });
  for (auto& key : keys)
    key = key.substr(4, key.size() - 5);
  const auto doc = json::parse(r.out);
  EXPECT_EQ(keys, (std::vector<std::string>{"session", "evaluations", "best"}));

  const auto& session = doc["session"];
  EXPECT_EQ(session["backend"], "replay");
  EXPECT_EQ(session["device_name"], "Tiny GPU");
  EXPECT_EQ(session["kernel"], "tiny");
  EXPECT_EQ(session["strategy"], "auto");
  EXPECT_EQ(session["seed"], 3);
  EXPECT_EQ(session["space_size"], 48);
  EXPECT_EQ(session["stop_reason"], "evaluation_budget");
  EXPECT_EQ(session["simulated_time"], true);

  const auto& evaluations = doc["evaluations"];
  ASSERT_EQ(evaluations.size(), 20u);
  const std::set<std::string> outcomes{"correct",          "wrong_result", "compile_error",
                                       "launch_error",     "timeout",      "invalid",
                                       "resource_exceeded"};
  std::set<std::string> distinct;
  double best = 1e300;
  for (std::size_t i = 0; i < evaluations.size(); ++i) {
    const auto& e = evaluations[i];
    EXPECT_EQ(e["index"], i + 1);
    ASSERT_TRUE(e["params"].is_object());
    EXPECT_EQ(e["params"].size(), 3u);
    EXPECT_TRUE(e["params"]["A"].is_number_integer());
    EXPECT_TRUE(e["params"]["C"] == "x" || e["params"]["C"] == "y");
    EXPECT_TRUE(distinct.insert(e["config"].get<std::string>()).second)
        << "evaluated twice: " << e.dump();
    EXPECT_TRUE(outcomes.contains(e["outcome"].get<std::string>())) << e.dump();
    if (e["outcome"] == "correct") {
      ASSERT_TRUE(e["objective_ms"].is_number()) << e.dump();
      best = std::min(best, e["objective_ms"].get<double>());
    } else {
      EXPECT_TRUE(e["objective_ms"].is_null()) << e.dump();
      EXPECT_EQ(e["outcome"], "invalid") << "a recorded failure replays as invalid";
    }
    // Simulated time: each entry costs its recorded 1000 ms.
    EXPECT_DOUBLE_EQ(e["at_s"].get<double>(), static_cast<double>(i + 1));
  }
  ASSERT_TRUE(doc["best"].is_object());
  EXPECT_DOUBLE_EQ(doc["best"]["objective_ms"].get<double>(), best);
  EXPECT_TRUE(doc["best"]["params"].is_object());
  EXPECT_DOUBLE_EQ(session["elapsed_s"].get<double>(), 20.0);

  db::Store store = db::Store::open(path("r.db"));
  ASSERT_EQ(store.sessions().size(), 1u);
  EXPECT_EQ(store.sessions()[0].status, SessionStatus::completed);
  EXPECT_EQ(store.count_evaluations(store.sessions()[0].id), 20);
}

TEST_F(TuneCli, ReplayFindsTheOptimumAndPrintsATable) {
  const auto dataset = tiny_dataset();
  auto r = ktune({"tune", "--dataset", dataset, "--db", path("t.db"), "--budget-evals", "40"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_NE(r.out.find("recorded ms"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("best: A=4,B=2,C=y  1.0000 ms"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("finalists"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stored as session 1"), std::string::npos) << r.out;
}

TEST_F(TuneCli, ASeedGivesTheSameSearch) {
  const auto dataset = tiny_dataset();
  auto run = [&](const char* seed, const char* db) {
    auto r = ktune({"tune", "--dataset", dataset, "--db", path(db), "--format", "json",
                    "--budget-evals", "15", "--seed", seed});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return configs(json::parse(r.out));
  };
  EXPECT_EQ(run("5", "a.db"), run("5", "b.db"));
  EXPECT_NE(run("5", "c.db"), run("6", "d.db"));
}

TEST_F(TuneCli, ExhaustiveIgnoresBudgetsOnlyWhenAsked) {
  const auto dataset = tiny_dataset();
  auto all = ktune(
      {"tune", "--dataset", dataset, "--db", path("e.db"), "--format", "json", "--exhaustive"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const auto doc = json::parse(all.out);
  EXPECT_EQ(doc["evaluations"].size(), 48u);
  EXPECT_EQ(doc["session"]["stop_reason"], "space_exhausted");
  EXPECT_EQ(doc["session"]["strategy"], "exhaustive");
  auto limited = ktune({"tune", "--dataset", dataset, "--db", path("e.db"), "--format", "json",
                        "--strategy", "exhaustive", "--budget-evals", "5"});
  ASSERT_EQ(limited.exit_code, 0) << limited.err;
  EXPECT_EQ(json::parse(limited.out)["evaluations"].size(), 5u);
  // The default time budget applies to --strategy exhaustive: 240 simulated seconds here.
  auto timed = ktune({"tune", "--dataset", dataset, "--db", path("e.db"), "--format", "json",
                      "--strategy", "exhaustive", "--budget-time", "10"});
  ASSERT_EQ(timed.exit_code, 0) << timed.err;
  EXPECT_EQ(json::parse(timed.out)["evaluations"].size(), 10u);
  expect_usage_error(ktune({"tune", "--dataset", dataset, "--exhaustive", "--budget-evals", "5"}),
                     "--exhaustive ignores budgets");
  expect_usage_error(ktune({"tune", "--dataset", dataset, "--exhaustive", "--strategy", "random"}),
                     "--exhaustive");
}

TEST_F(TuneCli, ResumeAfterABudgetContinuesTheSameSearch) {
  const auto dataset = tiny_dataset();
  auto whole = ktune({"tune", "--dataset", dataset, "--db", path("whole.db"), "--format", "json",
                      "--budget-evals", "30"});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  auto first = ktune({"tune", "--dataset", dataset, "--db", path("part.db"), "--format", "json",
                      "--budget-evals", "12"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto resumed = ktune({"tune", "--dataset", dataset, "--db", path("part.db"), "--format", "json",
                        "--budget-evals", "30", "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const auto doc = json::parse(resumed.out);
  EXPECT_EQ(configs(doc), configs(json::parse(whole.out)));
  EXPECT_EQ(doc["session"]["id"], 1);
  EXPECT_EQ(doc["session"]["resumed"], 12);
  EXPECT_EQ(doc["evaluations"][11]["resumed"], true);
  EXPECT_EQ(doc["evaluations"][12]["resumed"], false);
  db::Store store = db::Store::open(path("part.db"));
  ASSERT_EQ(store.sessions().size(), 1u);
  EXPECT_EQ(store.count_evaluations(1), 30) << "nothing stored twice";
  EXPECT_EQ(store.sessions()[0].status, SessionStatus::completed);

  // By id, adopting the stored strategy and seed.
  auto by_id = ktune({"tune", "--dataset", dataset, "--db", path("part.db"), "--format", "json",
                      "--budget-evals", "31", "--resume", "1"});
  ASSERT_EQ(by_id.exit_code, 0) << by_id.err;
  EXPECT_EQ(json::parse(by_id.out)["evaluations"].size(), 31u);
  expect_usage_error(ktune({"tune", "--dataset", dataset, "--db", path("part.db"), "--resume", "1",
                            "--seed", "9"}),
                     "--seed 1, not 9");
  expect_usage_error(
      ktune({"tune", "--dataset", dataset, "--db", path("part.db"), "--resume", "7"}),
      "no such session");
  expect_usage_error(ktune({"tune", "--dataset", dataset, "--db", path("part.db"), "--resume",
                            "--strategy", "genetic"}),
                     "no session of tiny");
  expect_usage_error(ktune({"tune", "--dataset", dataset, "--db", path("part.db"), "--resume", "1",
                            "--restrict", "A > 3"}),
                     "repeat the session's");
}

// Kills and reaps a child still running when the test ends, whichever way it ends.
class Reaper {
 public:
  explicit Reaper(pid_t pid) : pid_(pid) {}
  Reaper(const Reaper&) = delete;
  Reaper& operator=(const Reaper&) = delete;
  ~Reaper() { kill_and_reap(); }
  int signal(int sig) const { return ::kill(pid_, sig); }
  // SIGKILL, then the exit status (0 when already reaped).
  int kill_and_reap() {
    int status = 0;
    if (pid_ <= 0) return status;
    ::kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = 0;
    return status;
  }
  // Waits for the child to stop or end (at most `seconds`); false if it did neither.
  bool wait(int& status, int options, int seconds) {
    for (int i = 0; i < seconds * 100; ++i) {
      const pid_t r = waitpid(pid_, &status, WNOHANG | options);
      if (r == pid_) {
        if (!WIFSTOPPED(status)) pid_ = 0;  // reaped
        return true;
      }
      if (r < 0) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

 private:
  pid_t pid_;
};

// ktune, paused by itself (cli/pause_point.hpp) once it has stored this many evaluations.
std::map<std::string, std::string> paused_after(std::map<std::string, std::string> env,
                                                int evaluations) {
  env["KTUNE_PAUSE_AFTER_EVALUATIONS"] = std::to_string(evaluations);
  return env;
}

TEST_F(TuneCli, KillNineMidSessionThenResumeMeasuresNothingTwice) {
  const std::string dataset = (kDatasets / "convolution_A4000.json.gz").string();
  // Evaluations cost ~2.6 simulated seconds here: no time budget.
  const std::vector<std::string> common{"tune",     "--dataset",     dataset,
                                        "--format", "json",          "--budget-evals",
                                        "120",      "--budget-time", "1e6"};
  auto args = common;
  args.insert(args.end(), {"--db", path("k.db")});
  Reaper child(start_command(KTUNE_BINARY, args, paused_after(env(), 15)));
  int status = 0;
  ASSERT_TRUE(child.wait(status, WUNTRACED, 120)) << "ktune never paused";
  ASSERT_TRUE(WIFSTOPPED(status)) << "ktune ended before its pause point: " << status;
  {
    db::Store store = db::Store::open(path("k.db"));
    EXPECT_EQ(store.count_evaluations(1), 15);
  }
  // Killed while stopped, between two evaluations.
  ASSERT_TRUE(WIFSIGNALED(child.kill_and_reap()));

  std::int64_t stored = 0;
  {
    db::Store store = db::Store::open(path("k.db"));
    ASSERT_EQ(store.sessions().size(), 1u);
    EXPECT_EQ(store.sessions()[0].status, SessionStatus::running);
    stored = store.count_evaluations(1);
  }
  EXPECT_EQ(stored, 15);

  auto resume_args = common;
  resume_args.insert(resume_args.end(), {"--db", path("k.db"), "--resume"});
  auto resumed = ktune(resume_args);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const auto doc = json::parse(resumed.out);
  EXPECT_EQ(doc["session"]["resumed"], stored);
  auto whole_args = common;
  whole_args.insert(whole_args.end(), {"--db", path("w.db")});
  auto whole = ktune(whole_args);
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_EQ(configs(doc), configs(json::parse(whole.out)));
  db::Store store = db::Store::open(path("k.db"));
  EXPECT_EQ(store.count_evaluations(1), 120);
  EXPECT_EQ(store.sessions()[0].status, SessionStatus::completed);
}

// Issue 14.2: a resumed session is leased to the process resuming it. Two resumes at once: one
// continues, the other is refused naming the process and host that hold the session; nothing
// is measured twice. The lease of the killed tuner (a dead process) is taken over.
TEST_F(TuneCli, TwoResumesAtOnceMeasureNothingTwice) {
  const std::string dataset = (kDatasets / "convolution_A4000.json.gz").string();
  const std::vector<std::string> common{"tune",       "--dataset",      dataset, "--db",
                                        path("l.db"), "--budget-evals", "120",   "--budget-time",
                                        "1e6",        "--replay-pace",  "0.02"};
  Reaper child(start_command(KTUNE_BINARY, common, paused_after(env(), 10)));
  int status = 0;
  ASSERT_TRUE(child.wait(status, WUNTRACED, 120)) << "ktune never paused";
  ASSERT_TRUE(WIFSTOPPED(status)) << "ktune ended before its pause point: " << status;
  ASSERT_EQ(child.signal(SIGKILL), 0);
  ASSERT_TRUE(child.wait(status, 0, 120));
  ASSERT_TRUE(WIFSIGNALED(status)) << status;

  auto resume_args = common;
  resume_args.push_back("--resume");
  CommandResult first, second;
  std::thread a([&] { first = ktune(resume_args); });
  std::thread b([&] { second = ktune(resume_args); });
  a.join();
  b.join();
  const int succeeded = (first.exit_code == 0) + (second.exit_code == 0);
  EXPECT_EQ(succeeded, 1) << first.err << " | " << second.err;
  const auto& refused = first.exit_code == 0 ? second : first;
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("is being tuned by process"), std::string::npos) << refused.err;
  EXPECT_EQ(lines(refused.err).size(), 1u) << refused.err;

  db::Store store = db::Store::open(path("l.db"));
  std::set<std::string> configs;
  for (const auto& e : store.evaluations(1))
    EXPECT_TRUE(configs.insert(e.config).second) << e.config << " was measured twice";
  EXPECT_EQ(store.count_evaluations(1), 120);
}

TEST_F(TuneCli, CtrlCStopsCleanlyAndResumes) {
  const std::string dataset = (kDatasets / "convolution_A4000.json.gz").string();
  Reaper child(start_command(KTUNE_BINARY,
                             {"tune", "--dataset", dataset, "--db", path("c.db"), "--budget-evals",
                              "120", "--budget-time", "1e6"},
                             paused_after(env(), 10)));
  int status = 0;
  ASSERT_TRUE(child.wait(status, WUNTRACED, 120)) << "ktune never paused";
  ASSERT_TRUE(WIFSTOPPED(status)) << "ktune ended before its pause point: " << status;
  // Ctrl-C while paused after the 10th evaluation: it takes effect when ktune continues.
  ASSERT_EQ(child.signal(SIGINT), 0);
  ASSERT_EQ(child.signal(SIGCONT), 0);
  ASSERT_TRUE(child.wait(status, 0, 120)) << "ktune did not stop after Ctrl-C";
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 130);
  std::int64_t stored = 0;
  {
    db::Store store = db::Store::open(path("c.db"));
    EXPECT_EQ(store.sessions()[0].status, SessionStatus::interrupted);
    stored = store.count_evaluations(1);
  }
  // The 10 stored before the pause, and at most the one under way when ktune, continued, saw
  // the Ctrl-C: the signal may reach a thread other than the search's (seen: 11 under load).
  EXPECT_GE(stored, 10);
  EXPECT_LE(stored, 11);
  auto resumed = ktune({"tune", "--dataset", dataset, "--db", path("c.db"), "--budget-evals", "120",
                        "--budget-time", "1e6", "--resume", "--format", "json"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const auto doc = json::parse(resumed.out);
  EXPECT_EQ(doc["session"]["resumed"], stored);
  EXPECT_EQ(doc["evaluations"].size(), 120u);
}

TEST_F(TuneCli, ShardsSplitTheSpaceIntoDisjointParts) {
  const auto dataset = tiny_dataset();
  std::set<std::string> all;
  std::size_t total = 0;
  for (int i = 0; i < 3; ++i) {
    const std::string shard = std::to_string(i) + "/3";
    auto r = ktune({"tune", "--dataset", dataset, "--db", path("s" + std::to_string(i) + ".db"),
                    "--format", "json", "--exhaustive", "--shard", shard});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto doc = json::parse(r.out);
    EXPECT_EQ(doc["session"]["shard"], shard);
    EXPECT_EQ(doc["session"]["space_size"], 16);
    for (const auto& c : configs(doc)) {
      EXPECT_TRUE(all.insert(c).second) << "in two shards: " << c;
      ++total;
    }
  }
  EXPECT_EQ(total, 48u);
  EXPECT_EQ(all.size(), 48u);

  // Two shards in one database: --resume continues the one it is given.
  for (const char* shard : {"0/2", "1/2"})
    ASSERT_EQ(ktune({"tune", "--dataset", dataset, "--db", path("both.db"), "--budget-evals", "5",
                     "--shard", shard})
                  .exit_code,
              0);
  auto resumed = ktune({"tune", "--dataset", dataset, "--db", path("both.db"), "--format", "json",
                        "--budget-evals", "8", "--shard", "0/2", "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const auto doc = json::parse(resumed.out);
  EXPECT_EQ(doc["session"]["id"], 1);
  EXPECT_EQ(doc["session"]["resumed"], 5);
  expect_usage_error(ktune({"tune", "--dataset", dataset, "--db", path("both.db"), "--resume", "2",
                            "--shard", "0/2"}),
                     "--shard '1/2'");
  expect_usage_error(ktune({"tune", "--dataset", dataset, "--shard", "3/3"}), "0..2");
  expect_usage_error(ktune({"tune", "--dataset", dataset, "--shard", "1-3"}), "i/N");
}

TEST_F(TuneCli, ReplayOptionsAreCheckedWithOneLineErrors) {
  const auto dataset = tiny_dataset();
  expect_usage_error(ktune({"tune", "--backend", "replay"}), "needs --dataset");
  expect_usage_error(ktune({"tune", "--dataset", path("missing.json")}), "no such file");
  expect_usage_error(ktune({"tune", "matmul", "--dataset", dataset}), "recorded ones");
  expect_usage_error(ktune({"tune", "--dataset", dataset, "--shape", "8x8x8"}), "--shape");
  expect_usage_error(ktune({"tune", "--dataset", dataset, "--backend", "opencl"}),
                     "--backend opencl");
  expect_usage_error(ktune({"tune", "matmul", "--replay-pace", "1"}), "--replay-pace");
  expect_usage_error(ktune({"tune", "--dataset", dataset, "--stagnation", "0"}), "--stagnation");
  expect_usage_error(ktune({"tune", "--dataset", dataset, "--budget-time", "-1"}), "--budget-time");
  expect_usage_error(ktune({"tune", "--dataset", dataset, "--finalist-rounds", "0"}),
                     "--finalist-rounds");
  expect_usage_error(ktune({"tune", "--dataset", dataset, "--resume", "x"}), "session id");
  expect_usage_error(ktune({"tune", "--dataset", dataset, "--db", path("none.db"), "--resume"}),
                     "no session of tiny");
  expect_usage_error(ktune({"tune", "--dataset", dataset, "--set", "A=9"}), "accepted: 1, 2");
}

TEST_F(TuneCli, HelpNamesTheDefaultBudgetAndTheStrategies) {
  auto r = ktune({"tune", "--help"});
  ASSERT_EQ(r.exit_code, 0);
  for (const char* text : {"--budget-time", "(=240)", "5 minutes", "--resume", "--shard",
                           "--exhaustive", "--dataset", "auto: ", "bayes: ", "genetic: "})
    EXPECT_NE(r.out.find(text), std::string::npos) << text;
}

TEST_F(TuneCli, KernelTuningReMeasuresTheFinalistsInterleaved) {
  auto r = ktune({"tune", "matmul", "--shape", "32x32x32", "--db", path("m.db"), "--format", "json",
                  "--budget-evals", "5", "--min-runs", "2", "--max-runs", "3", "--finalist-rounds",
                  "2", "--timeout", "600000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  const auto doc = json::parse(r.out);
  EXPECT_EQ(doc["session"]["strategy"], "auto");
  EXPECT_EQ(doc["evaluations"].size(), 5u);
  EXPECT_EQ(doc["evaluations"][0]["resumed"], false);
  const auto& best = doc["best"];
  ASSERT_TRUE(best.is_object());
  std::size_t correct = 0;
  for (const auto& e : doc["evaluations"])
    correct += e["outcome"] == "correct";
  // Every matmul variant is correct on PoCL: there are finalists to re-measure. (The timeout is
  // lifted: PoCL's first launch of a variant can take over the default 10 s on a loaded machine.)
  ASSERT_EQ(correct, 5u) << r.out;
  const auto& verdict = best["verdict"];
  EXPECT_EQ(verdict["remeasured"], true);
  ASSERT_EQ(verdict["finalists"].size(), 3u);
  for (const auto& f : verdict["finalists"])
    EXPECT_EQ(f["time"]["runs"], 6) << "2 rounds of 3 runs";
  EXPECT_TRUE(verdict["p_value_vs_runner_up"].is_number());
  EXPECT_FALSE(verdict["note"].get<std::string>().empty());
  EXPECT_TRUE(best["speedup_over_default"].is_number());
}

// Several devices, one search (issue 16.1): a replay on four simulated devices takes a quarter
// of the simulated time, measures each configuration once, and stores the device of each.
TEST_F(TuneCli, AReplayOnFourSimulatedDevicesTakesAQuarterOfTheTime) {
  const auto dataset = tiny_dataset();
  auto r = ktune({"tune", "--dataset", dataset, "--db", path("d.db"), "--format", "json",
                  "--strategy", "random", "--budget-evals", "20", "--device", "0,1,2,3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json::parse(r.out);
  EXPECT_EQ(doc["session"]["devices"], json({0, 1, 2, 3}));
  ASSERT_EQ(doc["evaluations"].size(), 20u);
  // 20 evaluations of 1 s each on 4 devices: 5 s.
  EXPECT_DOUBLE_EQ(doc["session"]["elapsed_s"].get<double>(), 5.0);
  std::set<std::string> seen;
  std::map<int, int> per_device;
  for (const auto& e : doc["evaluations"]) {
    EXPECT_TRUE(seen.insert(e["config"].get<std::string>()).second) << e["config"];
    ++per_device[e["device"].get<int>()];
  }
  EXPECT_EQ(per_device, (std::map<int, int>{{0, 5}, {1, 5}, {2, 5}, {3, 5}}));
  db::Store store = db::Store::open(path("d.db"));
  db::Statement rows(store.connection(),
                     "SELECT COUNT(*), COUNT(DISTINCT device_index) FROM measurement_devices");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.integer(0), 20);
  EXPECT_EQ(rows.integer(1), 4);
}

// Two evaluators on PoCL's one CPU device (--device 0,0): a functional check of the threads,
// not of timing.
TEST_F(TuneCli, TwoWorkersOnOneOpenClDeviceTuneTogether) {
  auto r = ktune({"tune", "matmul", "--shape", "32x32x32", "--db", path("w.db"), "--format", "json",
                  "--budget-evals", "6", "--min-runs", "2", "--max-runs", "3", "--device", "0,0",
                  "--finalists", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json::parse(r.out);
  EXPECT_EQ(doc["session"]["devices"], json({0, 0}));
  ASSERT_EQ(doc["evaluations"].size(), 6u);
  std::set<std::string> seen;
  std::set<int> devices;
  for (const auto& e : doc["evaluations"]) {
    EXPECT_TRUE(seen.insert(e["config"].get<std::string>()).second) << e["config"];
    devices.insert(e["device"].get<int>());
  }
  EXPECT_EQ(devices, (std::set<int>{0, 1}));
  EXPECT_TRUE(doc["best"].is_object());
  db::Store store = db::Store::open(path("w.db"));
  db::Statement rows(store.connection(), "SELECT COUNT(*) FROM measurement_devices");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.integer(0), 6);
}

TEST_F(TuneCli, DeviceListsAreCheckedWithOneLineErrors) {
  expect_usage_error(ktune({"tune", "matmul", "--device", "0,x"}), "--device 0,x: expected");
  expect_usage_error(ktune({"tune", "matmul", "--device", "0,"}), "--device 0,: expected");
  expect_usage_error(ktune({"tune", "matmul", "--device", "0,99"}), "--device 99");
  expect_usage_error(ktune({"tune", "--dataset", tiny_dataset(), "--device", "1"}),
                     "simulated devices");
  expect_usage_error(ktune({"profile", "matmul", "--device", "0,1"}), "one device");
}

// A list of shapes (issue 16.3): each shape its own session, the next one warm-started from the
// best stored for the nearest tuned shape; --shard splits the list; --resume skips what is done.
TEST_F(TuneCli, AListOfShapesIsTunedInTurnFromTheNearestBest) {
  const std::string list = path("shapes.txt");
  std::ofstream(list) << "# two shapes, one repeated\n32x32x32\n\n64x32x32  # wider\n32x32x32\n";
  const std::vector<std::string> common{"--db",           path("s.db"), "--format",    "json",
                                        "--budget-evals", "3",          "--min-runs",  "1",
                                        "--max-runs",     "2",          "--finalists", "0"};
  auto with = [&](std::vector<std::string> a) {
    a.insert(a.end(), common.begin(), common.end());
    return a;
  };
  auto r = ktune(with({"tune", "matmul", "--shapes", list}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json::parse(r.out);
  ASSERT_EQ(doc["shapes"].size(), 2u);
  const auto& first = doc["shapes"][0];
  const auto& second = doc["shapes"][1];
  EXPECT_EQ(first["shape"], "32x32x32");
  EXPECT_EQ(second["shape"], "64x32x32");
  EXPECT_EQ(first["warm_start"].size(), 0u);
  ASSERT_EQ(second["warm_start"].size(), 1u);
  // The default first (where it is valid for the shape), then the best of the nearest tuned one.
  ASSERT_GE(second["evaluations"].size(), 2u);
  const bool default_first = second["evaluations"][0]["config"] != second["warm_start"][0];
  EXPECT_EQ(second["evaluations"][default_first ? 1 : 0]["config"], second["warm_start"][0]);
  EXPECT_NE(first["session"]["id"], second["session"]["id"]);
  EXPECT_EQ(first["evaluations"].size(), 3u);

  // Again with --resume: both finished, nothing is run.
  auto again = ktune(with({"tune", "matmul", "--shapes", list, "--resume"}));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto skipped = json::parse(again.out);
  ASSERT_EQ(skipped["shapes"].size(), 2u);
  for (const auto& s : skipped["shapes"]) {
    EXPECT_EQ(s["skipped"], true);
    EXPECT_EQ(s["evaluations"].size(), 0u);
  }
  db::Store store = db::Store::open(path("s.db"));
  EXPECT_EQ(store.sessions().size(), 2u);
}

TEST_F(TuneCli, ShardsOfAListOfShapesSplitTheList) {
  const std::string list = path("three.txt");
  std::ofstream(list) << "32x32x32\n64x32x32\n32x64x32\n";
  auto r = ktune({"tune", "matmul", "--shapes", list, "--shard", "1/2", "--db", path("h.db"),
                  "--format", "json", "--budget-evals", "2", "--min-runs", "1", "--max-runs", "1",
                  "--finalists", "0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json::parse(r.out);
  ASSERT_EQ(doc["shapes"].size(), 1u);
  EXPECT_EQ(doc["shapes"][0]["shape"], "64x32x32");
  EXPECT_EQ(doc["shapes"][0]["session"]["shard"], nullptr) << "the whole space of the shape";
}

// --shapes session:ID: the list a stored session's run tuned (each session of a list run keeps
// the whole list, whatever the shard), else the one shape a session tuned.
TEST_F(TuneCli, AStoredSessionGivesItsListOfShapes) {
  const std::string list = path("list.txt");
  std::ofstream(list) << "32x32x32\n64x32x32\n";
  const std::vector<std::string> common{
      "--db",       path("l.db"), "--format",    "json", "--budget-evals", "1", "--min-runs", "1",
      "--max-runs", "1",          "--finalists", "0",    "--no-baseline"};
  auto tune = [&](std::vector<std::string> a) {
    a.insert(a.end(), common.begin(), common.end());
    auto r = ktune(a);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json();
  };
  // Part 1 of 2 of the file's list: its session keeps the whole list.
  const auto part = tune({"tune", "matmul", "--shapes", list, "--shard", "1/2"});
  ASSERT_EQ(part["shapes"].size(), 1u);
  const auto from_list = part["shapes"][0]["session"]["id"].get<std::int64_t>();
  const auto again = tune({"tune", "matmul", "--shapes", "session:" + std::to_string(from_list)});
  ASSERT_EQ(again["shapes"].size(), 2u);
  EXPECT_EQ(again["shapes"][0]["shape"], "m=32,n=32,k=32");
  EXPECT_EQ(again["shapes"][1]["shape"], "m=64,n=32,k=32");

  // A session of one shape gives that shape.
  const auto one = tune({"tune", "matmul", "--shape", "48x32x32"});
  const auto single = one["session"]["id"].get<std::int64_t>();
  const auto alone = tune({"tune", "matmul", "--shapes", "session:" + std::to_string(single)});
  ASSERT_EQ(alone["shapes"].size(), 1u);
  EXPECT_EQ(alone["shapes"][0]["shape"], "m=48,n=32,k=32");

  // Bad sessions: one line each, nothing tuned.
  const auto sessions = db::Store::open(path("l.db")).sessions().size();
  expect_usage_error(ktune({"tune", "matmul", "--shapes", "session:999", "--db", path("l.db")}),
                     "--shapes session:999: no such session in");
  expect_usage_error(ktune({"tune", "conv2d", "--shapes", "session:" + std::to_string(single),
                            "--db", path("l.db")}),
                     "that session tuned matmul (m=48,n=32,k=32), not conv2d");
  expect_usage_error(ktune({"tune", "matmul", "--shapes", "session:x", "--db", path("l.db")}),
                     "--shapes session:x: expected session:ID");
  expect_runtime_error(ktune({"tune", "matmul", "--shapes", "session:1", "--db", path("none.db")}),
                       "no results database");
  EXPECT_EQ(db::Store::open(path("l.db")).sessions().size(), sessions);
}

TEST_F(TuneCli, ABadListOfShapesNamesTheLine) {
  const std::string list = path("bad.txt");
  std::ofstream(list) << "32x32x32\n32xbanana\n";
  expect_usage_error(ktune({"tune", "matmul", "--shapes", list}), "bad.txt:2:");
  expect_usage_error(ktune({"tune", "matmul", "--shapes", path("missing.txt")}), "cannot read");
  expect_usage_error(ktune({"tune", "matmul", "--shapes", list, "--shape", "32x32x32"}),
                     "drop --shape");
}

// The CPU baseline: measured by the first tune of a problem on this host, reused by the next,
// stored with every measurement, and compared with the best in the summary.
TEST_F(TuneCli, EveryTuneComparesItselfWithTheCpuBaselineMeasuredOncePerProblem) {
  const std::vector<std::string> tune{"tune",           "matmul",     "--shape",     "48x48x48",
                                      "--db",           path("b.db"), "--format",    "json",
                                      "--budget-evals", "3",          "--min-runs",  "2",
                                      "--max-runs",     "3",          "--finalists", "0"};
  auto r = ktune(tune);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto first = json::parse(r.out);
  const auto& baseline = first["cpu_baseline"];
  ASSERT_TRUE(baseline.is_object()) << first["cpu_baseline_skipped"];
  EXPECT_EQ(baseline["method"], "openblas_sgemm");
  EXPECT_EQ(baseline["reused"], false);
  EXPECT_GE(baseline["threads"].get<int>(), 1);
  EXPECT_GE(baseline["time"]["runs"].get<int>(), 5) << "timed like the kernels: min 5 runs";
  const double cpu_ms = baseline["time"]["median_ms"].get<double>();
  const double best_ms = first["best"]["objective_ms"].get<double>();
  EXPECT_DOUBLE_EQ(first["best"]["speedup_vs_cpu"].get<double>(), cpu_ms / best_ms);
  EXPECT_TRUE(first["cpu_baseline_skipped"].is_null());

  // The second tune of the same problem reuses it: the same stored row, not measured again.
  r = ktune(tune);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto second = json::parse(r.out);
  EXPECT_EQ(second["cpu_baseline"]["reused"], true);
  EXPECT_EQ(second["cpu_baseline"]["baseline_id"], baseline["baseline_id"]);
  EXPECT_EQ(second["cpu_baseline"]["samples_ms"], baseline["samples_ms"]);

  // Every measurement carries it: speedup_over_cpu in the database's results.
  auto store = db::Store::open_existing(path("b.db"));
  db::Statement rows(store.connection(),
                     "SELECT COUNT(*), SUM(cpu_baseline_ms = ?) FROM measurements");
  rows.bind(1, cpu_ms);
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.integer(0), 6);
  EXPECT_EQ(rows.integer(1), 6);
  db::Statement links(store.connection(),
                      "SELECT COUNT(*), COUNT(DISTINCT baseline_id), SUM(reused) "
                      "FROM session_baselines");
  ASSERT_TRUE(links.step());
  EXPECT_EQ(links.integer(0), 2);
  EXPECT_EQ(links.integer(1), 1);
  EXPECT_EQ(links.integer(2), 1);

  // The table says it beside the speed-up over the default.
  auto table = tune;
  table[7] = "table";
  r = ktune(table);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("x over the default"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("x vs the CPU"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CPU baseline: openblas_sgemm"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("reused"), std::string::npos) << r.out;

  // --no-baseline skips it and says so.
  auto skip = tune;
  skip.push_back("--no-baseline");
  r = ktune(skip);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto skipped = json::parse(r.out);
  EXPECT_TRUE(skipped["cpu_baseline"].is_null());
  EXPECT_TRUE(skipped["best"]["speedup_vs_cpu"].is_null());
  EXPECT_NE(skipped["cpu_baseline_skipped"].get<std::string>().find("--no-baseline"),
            std::string::npos);
}

// Kernel-only beside end-to-end: the copies of the inputs and the output are real OpenCL copies,
// timed, stored with the session, and added to the kernel's time.
TEST_F(TuneCli, TransfersAreMeasuredStoredAndAddedEndToEnd) {
  auto r = ktune({"tune", "matmul", "--shape", "64x64x64", "--db", path("t.db"), "--format", "json",
                  "--budget-evals", "2", "--min-runs", "2", "--max-runs", "3", "--finalists", "0",
                  "--no-baseline"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json::parse(r.out);
  const auto& t = doc["transfers"];
  ASSERT_EQ(t.size(), 2u) << "PoCL has pageable memory only: " << t.dump();
  EXPECT_EQ(t[0]["direction"], "host_to_device");
  EXPECT_EQ(t[0]["memory"], "pageable");
  EXPECT_EQ(t[0]["bytes"], 2 * 64 * 64 * 4) << "A and B (beta = 0: C is not read)";
  EXPECT_EQ(t[1]["direction"], "device_to_host");
  EXPECT_EQ(t[1]["bytes"], 64 * 64 * 4);
  EXPECT_GE(t[0]["time"]["runs"].get<int>(), 5);
  const double in = t[0]["time"]["median_ms"], out = t[1]["time"]["median_ms"];
  EXPECT_GT(in, 0);
  EXPECT_GT(out, 0);
  const auto& best = doc["best"];
  EXPECT_DOUBLE_EQ(best["end_to_end_ms"].get<double>(),
                   in + best["objective_ms"].get<double>() + out);
  EXPECT_TRUE(best["end_to_end_pinned_ms"].is_null());
  EXPECT_TRUE(doc["transfers_skipped"].is_null());

  auto store = db::Store::open_existing(path("t.db"));
  db::Statement rows(store.connection(),
                     "SELECT direction, bytes, median_ms FROM transfers ORDER BY direction");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.text(0), "device_to_host");
  EXPECT_DOUBLE_EQ(rows.real(2), out);
  ASSERT_TRUE(rows.step());
  EXPECT_DOUBLE_EQ(rows.real(2), in);

  // A replay has no device to copy to, and says so.
  r = ktune({"tune", "--dataset", tiny_dataset(), "--budget-evals", "3", "--db", path("t.db")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("end-to-end: not available in a replay"), std::string::npos) << r.out;
}

// The crossover sweep: per size the configuration (the stored best for the nearest shape, else
// the default, said so), the kernel, the copies and the CPU, both crossover answers, stored.
TEST_F(TuneCli, CrossoverComparesTheDeviceWithTheCpuPerSizeAndSaysWhereItWins) {
  auto r = ktune({"tune", "matmul", "--shape", "32x32x32", "--db", path("x.db"), "--budget-evals",
                  "2", "--min-runs", "2", "--max-runs", "2", "--finalists", "0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = ktune({"crossover", "matmul", "--sizes", "64,16,32", "--db", path("x.db"), "--format", "json",
             "--min-runs", "2", "--max-runs", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json::parse(r.out);
  const auto& points = doc["points"];
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0]["size"], 16);
  EXPECT_EQ(points[2]["size"], 64);
  for (const auto& p : points) {
    EXPECT_EQ(p["config_source"], "stored") << "every size has a nearest tuned shape";
    EXPECT_EQ(p["tuned_for"], "m=32,n=32,k=32");
    ASSERT_TRUE(p["kernel_ms"].is_number()) << p.dump();
    ASSERT_TRUE(p["cpu_ms"].is_number()) << p.dump();
    EXPECT_DOUBLE_EQ(p["end_to_end_ms"].get<double>(),
                     p["kernel_ms"].get<double>() + p["transfer_ms"].get<double>());
    EXPECT_DOUBLE_EQ(p["speedup_kernel"].get<double>(),
                     p["cpu_ms"].get<double>() / p["kernel_ms"].get<double>());
  }
  // Whatever PoCL gives, the answers follow from the speed-ups, and the note says what it is.
  const auto wins_from = [&](const char* key) {
    json from = nullptr;
    for (const auto& p : points)
      if (p[key].get<double>() > 1) {
        if (from.is_null()) from = p["size"];
      } else {
        from = nullptr;
      }
    return from;
  };
  EXPECT_EQ(doc["kernel_crossover"], wins_from("speedup_kernel"));
  EXPECT_EQ(doc["end_to_end_crossover"], wins_from("speedup_end_to_end"));
  EXPECT_NE(doc["device_note"].get<std::string>().find("PoCL"), std::string::npos);

  auto store = db::Store::open_existing(path("x.db"));
  db::Statement rows(store.connection(),
                     "SELECT COUNT(*), SUM(config_source = 'stored') FROM crossover_points");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.integer(0), 3);
  EXPECT_EQ(rows.integer(1), 3);

  // Without anything stored: the default configuration, said so; as CSV, one row per size.
  r = ktune({"crossover", "matmul", "--sizes", "16", "--db", path("empty.db"), "--format", "csv",
             "--min-runs", "2", "--max-runs", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto csv = lines(r.out);
  ASSERT_EQ(csv.size(), 2u) << r.out;
  EXPECT_EQ(csv[0].rfind("size,problem,config_source,config,kernel_ms", 0), 0u) << csv[0];
  EXPECT_NE(csv[1].find(",default,"), std::string::npos) << csv[1];
  r = ktune({"crossover", "matmul", "--sizes", "16,abc", "--db", path("empty.db")});
  expect_usage_error(r, "--sizes 16,abc: 'abc' is not a positive size");
}

}  // namespace
}  // namespace ktune::test
