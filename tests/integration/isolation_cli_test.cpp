// --isolation process end to end on PoCL: a variant that crashes its worker, one that hangs it,
// a worker that cannot start, deaths on the default configuration, kill -9 and Ctrl-C of ktune.
// The faults are real signals raised in the worker through its test hook, KTUNE_WORKER_FAULT
// (profiles/isolation/fault_injection.hpp); workers are found in /proc by the private HOME of
// the test.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "db/store.hpp"
#include "live_workers.hpp"
#include "run_command.hpp"

namespace ktune::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The lines of `text` that contain `fragment`.
std::size_t count_lines(const std::string& text, const std::string& fragment) {
  std::size_t n = 0;
  for (const auto& line : lines(text))
    n += line.find(fragment) != std::string::npos;
  return n;
}

// stderr without the fault hook's own lines.
std::string without_fault_lines(const std::string& text) {
  std::string out;
  for (const auto& line : lines(text))
    if (line.rfind("ktune worker: fault injection", 0) != 0) out += line + "\n";
  return out;
}

class IsolationCli : public CliFixture {
 protected:
  // matmul 64^3 with six configurations; the default (BM=64,BK=8) is evaluated first.
  std::vector<std::string> small_tune() const {
    return {"tune",       "matmul",   "--shape",    "64x64x64", "--exhaustive", "--set", "TM=4",
            "--set",      "TN=4",     "--set",      "SA=1",     "--set",        "SB=1",  "--set",
            "VW=4",       "--set",    "PAD=1",      "--set",    "DB=0",         "--set", "UNROLL=4",
            "--restrict", "BM == BN", "--min-runs", "3",        "--max-runs",   "5",     "--format",
            "json",       "--db",     path("t.db")};
  }

  // Live `ktune worker` processes started for this test (by its private HOME).
  std::vector<pid_t> workers() const { return live_workers(dir_); }

  bool wait_until(const std::function<bool()>& done, double seconds) const {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));  // the database is polled too
    }
    return done();
  }

  std::int64_t stored(const std::string& db) const {
    try {
      db::Store store = db::Store::open(db);
      return store.sessions().empty() ? 0 : store.count_evaluations(1);
    } catch (const std::exception&) {
      return 0;  // not created completely yet
    }
  }

  // A process's state letter (R, S, T for stopped, Z for a zombie), or 0 when it is gone.
  static char state(pid_t pid) {
    const std::string stat = read_all(fs::path("/proc") / std::to_string(pid) / "stat");
    const auto paren = stat.rfind(')');
    return paren == std::string::npos || paren + 2 >= stat.size() ? 0 : stat[paren + 2];
  }

  // Starts ktune in the background in a process group of its own (as a shell job would be).
  pid_t start(const std::vector<std::string>& args,
              std::map<std::string, std::string> extra = {}) const {
    auto vars = extra;
    vars.merge(env());
    return start_command(KTUNE_BINARY, args, vars, ProcessGroup::own);
  }

  // A long search of the whole matmul 64^3 space.
  std::vector<std::string> long_tune(const std::string& db) const {
    return {"tune",       "matmul", "--shape",    "64x64x64", "--budget-evals", "8",
            "--min-runs", "3",      "--max-runs", "5",        "--db",           db};
  }
};

TEST_F(IsolationCli, ACrashAndAHangCostTheirVariantsOnlyAndLeaveNoProcessBehind) {
  // Every worker that runs BM=32,BK=16 dies of SIGSEGV at its launch; BM=64,BK=16 freezes
  // (SIGSTOP) like a kernel that never ends.
  auto r = ktune(small_tune(), {{"KTUNE_WORKER_FAULT", "SEGV@BM=32,BK=16;STOP@BM=64,BK=16"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json::parse(r.out);
  ASSERT_EQ(doc["evaluations"].size(), 6u) << r.out;  // the whole space, whatever happened
  int correct = 0;
  for (const auto& e : doc["evaluations"]) {
    const std::string config = e["config"];
    if (config.find("BM=32,BN=32,BK=16,") == 0) {
      EXPECT_EQ(e["outcome"], "launch_error") << e.dump();
      EXPECT_NE(e["message"].get<std::string>().find("killed by SIGSEGV"), std::string::npos);
      EXPECT_NE(e["message"].get<std::string>().find("not run a third time"), std::string::npos);
    } else if (config.find("BM=64,BN=64,BK=16,") == 0) {
      EXPECT_EQ(e["outcome"], "timeout") << e.dump();
    } else {
      EXPECT_EQ(e["outcome"], "correct") << e.dump();
      ++correct;
    }
  }
  EXPECT_EQ(correct, 4);
  EXPECT_FALSE(doc["best"].is_null());
  // Two workers died on the crashing variant, none a third time; one froze on the other.
  EXPECT_EQ(count_lines(r.err, "raising SIGSEGV"), 2u) << r.err;
  EXPECT_EQ(count_lines(r.err, "raising SIGSTOP"), 1u) << r.err;
  EXPECT_TRUE(workers().empty());
}

TEST_F(IsolationCli, AWorkerThatDiesOnceIsReplacedAndTheVariantMeasuredInTheNewOne) {
  // Each worker crashes at its second evaluation: every variant it happens to is run again in
  // a fresh worker, where it is its first, and measured.
  auto r = ktune(small_tune(), {{"KTUNE_WORKER_FAULT", "SEGV@#2"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json::parse(r.out);
  ASSERT_EQ(doc["evaluations"].size(), 6u);
  for (const auto& e : doc["evaluations"])
    EXPECT_EQ(e["outcome"], "correct") << e.dump();
  EXPECT_GE(count_lines(r.err, "raising SIGSEGV"), 2u) << r.err;
}

TEST_F(IsolationCli, AWorkerThatCannotStartEndsTheSessionWithOneLine) {
  auto r = ktune(small_tune(), {{"KTUNE_WORKER_FAULT", "ABRT@start"}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines(r.err, "raising SIGABRT"), 1u) << r.err;  // no restart loop
  r.err = without_fault_lines(r.err);
  expect_runtime_error(r, "the worker process could not start");
  EXPECT_NE(r.err.find("SIGABRT"), std::string::npos) << r.err;
  EXPECT_TRUE(workers().empty());
}

TEST_F(IsolationCli, TwoDeathsOnTheDefaultConfigurationEndTheSession) {
  auto r = ktune(small_tune(), {{"KTUNE_WORKER_FAULT", "SEGV@BM=64,BK=8"}});
  EXPECT_EQ(count_lines(r.err, "raising SIGSEGV"), 2u) << r.err;
  r.err = without_fault_lines(r.err);
  expect_runtime_error(r, "killed by SIGSEGV twice on the default configuration");
  EXPECT_TRUE(workers().empty());
}

TEST_F(IsolationCli, KillNineOfKtuneLeavesNoWorkerEvenABusyOne) {
  // The worker hangs in its second evaluation (running, not stopped), so it cannot notice that
  // its socket closed: only the parent-death signal can end it.
  auto args = long_tune(path("k.db"));
  args.insert(args.end(), {"--timeout", "600000"});
  const pid_t pid = start(args, {{"KTUNE_WORKER_FAULT", "HANG@#2"}});
  ASSERT_TRUE(wait_until([&] { return stored(path("k.db")) >= 1 && !workers().empty(); }, 60));
  std::this_thread::sleep_for(std::chrono::seconds(1));  // compiling the second, or hanging
  ::kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the session finished before it was killed";
  EXPECT_TRUE(wait_until([&] { return workers().empty(); }, 5)) << "a worker outlived ktune";
}

TEST_F(IsolationCli, CtrlCStopsKtuneAndItsWorkerAndTheSessionResumes) {
  // ktune stops itself after its second stored evaluation, its worker alive and idle: polling
  // for that moment instead raced a tune that, with PoCL's kernel cache warm, ends in a second.
  const pid_t pid = start(long_tune(path("c.db")), {{"KTUNE_PAUSE_AFTER_EVALUATIONS", "2"}});
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, WUNTRACED), pid);
  ASSERT_TRUE(WIFSTOPPED(status)) << "ktune ended before its pause point: " << status;
  EXPECT_EQ(stored(path("c.db")), 2);
  EXPECT_FALSE(workers().empty());
  ::kill(-pid, SIGINT);  // the whole job, as the terminal sends it
  ::kill(-pid, SIGCONT);
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_TRUE(wait_until([&] { return workers().empty(); }, 5)) << "the worker outlived ktune";
  std::int64_t before = 0;
  {
    db::Store store = db::Store::open(path("c.db"));
    EXPECT_EQ(store.sessions()[0].status, SessionStatus::interrupted);
    before = store.count_evaluations(1);
  }
  auto args = long_tune(path("c.db"));
  args.insert(args.end(), {"--resume", "--format", "json"});
  auto resumed = ktune(args);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(json::parse(resumed.out)["session"]["resumed"], before);
}

TEST_F(IsolationCli, IsolationNoneEvaluatesInProcessAndBadValuesAreRefused) {
  auto args = small_tune();
  args.insert(args.end(), {"--isolation", "none", "--set", "BM=32"});
  // The hook is read by workers only: in-process nothing is raised.
  auto r = ktune(args, {{"KTUNE_WORKER_FAULT", "SEGV@BM=32"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = json::parse(r.out);  // kept: a range over a temporary's member dangles
  for (const auto& e : doc["evaluations"])
    EXPECT_EQ(e["outcome"], "correct") << e.dump();
  expect_usage_error(ktune({"tune", "matmul", "--isolation", "thread"}),
                     "--isolation thread: unknown value (accepted: process, none)");
}

TEST_F(IsolationCli, ProfileRunsItsVariantInAWorker) {
  auto r = ktune({"profile", "matmul", "--shape", "64x64x64", "--no-baseline", "--no-store",
                  "--config", "BM=32,BN=32", "--format", "json"},
                 {{"KTUNE_WORKER_FAULT", "SEGV@BM=32,BN=32"}});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the variant failed; ktune did not crash with it
  const auto doc = json::parse(r.out);
  EXPECT_EQ(doc["outcome"], "launch_error") << r.out;
  EXPECT_NE(doc["message"].get<std::string>().find("SIGSEGV"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ktune::test
