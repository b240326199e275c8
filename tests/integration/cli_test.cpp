// The `ktune` command line end to end, on the OpenCL device (PoCL in CI).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "db/sqlite.hpp"
#include "run_command.hpp"

namespace ktune::test {
namespace {

namespace fs = std::filesystem;

class Cli : public CliFixture {
 protected:
  std::string db(const std::string& name = "results.db") const { return path(name); }

  static std::int64_t count_rows(const std::string& path, const std::string& table) {
    db::Connection c(path, db::Connection::Mode::read_only);
    db::Statement s(c, "SELECT COUNT(*) FROM " + table);
    s.step();
    return s.integer(0);
  }

  // A usage error (see CliFixture) whose one line starts with "ktune: error: ".
  static void expect_usage_error(const CommandResult& r, const std::string& fragment) {
    CliFixture::expect_usage_error(r, fragment);
    const auto err = lines(r.err);
    if (err.size() == 1) {
      EXPECT_EQ(err[0].rfind("ktune: error: ", 0), 0u) << err[0];
    }
  }

  const std::vector<std::string> quick_{
      "--min-runs", "2", "--max-runs", "3", kPatientTimeout[0], kPatientTimeout[1]};
};

TEST_F(Cli, VersionAndHelp) {
  auto v = ktune({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("ktune ", 0), 0u) << v.out;
  auto h = ktune({"--help"});
  EXPECT_EQ(h.exit_code, 0);
  for (const char* command : {"devices", "tune"}) {
    EXPECT_NE(h.out.find(command), std::string::npos);
    auto sub = ktune({command, "--help"});
    EXPECT_EQ(sub.exit_code, 0) << command;
    EXPECT_NE(sub.out.find("Usage: ktune " + std::string(command)), std::string::npos) << sub.out;
    EXPECT_NE(sub.out.find("--help"), std::string::npos);
  }
  EXPECT_EQ(ktune({}).exit_code, 2);
}

TEST_F(Cli, DevicesListsTheOpenClDeviceAsJson) {
  auto r = ktune({"devices", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  bool found_opencl = false;
  for (const auto& b : doc["backends"]) {
    if (b["backend"] == "opencl") {
      ASSERT_FALSE(b["devices"].empty()) << r.out;
      EXPECT_GT(b["devices"][0]["compute_units"].get<int>(), 0);
      EXPECT_GT(b["devices"][0]["max_threads_per_block"].get<int>(), 0);
      found_opencl = true;
    } else {
      // A backend without devices says why.
      if (b["devices"].empty()) {
        EXPECT_TRUE(b["problem"].is_string()) << b.dump();
      }
    }
  }
  EXPECT_TRUE(found_opencl);
}

TEST_F(Cli, TuneStoresEveryEvaluationAndReportsTheBest) {
  // Six configurations around the default: VW (1, 2, 4) x PAD (0, 1).
  const std::string around_default =
      "BM == 64 && BN == 64 && TM == 4 && TN == 4 && BK == 8 && UNROLL == 4 && SA && SB && !DB";
  std::vector<std::string> args{"tune", "matmul",   "--shape", "64x48x40",   "--db",
                                db(),   "--format", "json",    "--restrict", around_default};
  args.insert(args.end(), quick_.begin(), quick_.end());
  auto r = ktune(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << "stderr must be empty when not a terminal: " << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const auto& evaluations = doc["evaluations"];
  ASSERT_EQ(evaluations.size(), doc["session"]["space_size"].get<std::size_t>());
  for (std::size_t i = 0; i < evaluations.size(); ++i) {
    EXPECT_EQ(evaluations[i]["index"], i + 1);
    EXPECT_EQ(evaluations[i]["outcome"], "correct") << evaluations[i].dump();
    EXPECT_GT(evaluations[i]["objective_ms"].get<double>(), 0);
  }
  ASSERT_TRUE(doc["best"].is_object());
  EXPECT_TRUE(doc["best"]["speedup_over_default"].is_number());
  EXPECT_EQ(count_rows(db(), "evaluations"), static_cast<std::int64_t>(evaluations.size()));
  EXPECT_EQ(count_rows(db(), "sessions"), 1);
}

TEST_F(Cli, TuneTableNamesTheBestAndTheDatabase) {
  std::vector<std::string> args{"tune", "matmul", "--shape", "16x16x16",       "--db",
                                db(),   "--set",  "BM=16",   "--budget-evals", "3"};
  args.insert(args.end(), quick_.begin(), quick_.end());
  auto r = ktune(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("best: BM=16,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("over the default"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(db()), std::string::npos) << r.out;
}

TEST_F(Cli, DefaultDatabaseFollowsXdgThenKtuneDb) {
  std::vector<std::string> args{"tune", "matmul", "--shape", "8x8x8", "--budget-evals", "1"};
  args.insert(args.end(), quick_.begin(), quick_.end());
  auto r = ktune(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir_ / ".local/share/ktune/ktune.db"));
  r = ktune(args, {{"XDG_DATA_HOME", (dir_ / "xdg").string()}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir_ / "xdg/ktune/ktune.db"));
  r = ktune(args, {{"KTUNE_DB", db("env.db")}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count_rows(db("env.db"), "evaluations"), 1);
}

TEST_F(Cli, UsageErrorsAreOneLineWithExitCode2) {
  expect_usage_error(ktune({"frobnicate"}), "unknown command 'frobnicate'");
  expect_usage_error(ktune({"tune", "matmul", "--bogus"}), "--bogus");
  expect_usage_error(ktune({"tune"}), "which kernel");
  expect_usage_error(ktune({"tune", "fft"}), "unknown kernel 'fft' (accepted: matmul, conv2d)");
  expect_usage_error(ktune({"tune", "matmul", "--shape", "12x"}), "MxNxK");
  expect_usage_error(ktune({"tune", "matmul", "--shape", "0x4x4"}), "at least 1");
  expect_usage_error(ktune({"tune", "matmul", "--shape", "-1x2x3"}), "at least 1");
  expect_usage_error(ktune({"tune", "matmul", "--shape", "1e9x1e9x1e9"}), "not a positive integer");
  expect_usage_error(ktune({"tune", "matmul", "--shape", "1000000x1000000x1000000"}), "GiB");
  expect_usage_error(ktune({"tune", "matmul", "--backend", "vulkan"}),
                     "--backend vulkan: unknown value (accepted: cuda, opencl");
  expect_usage_error(ktune({"tune", "matmul", "--backend", "opencl", "--device", "7"}),
                     "--device 7");
  expect_usage_error(ktune({"tune", "matmul", "--format", "xml"}), "accepted: table, json");
  expect_usage_error(ktune({"devices", "--format", "yaml"}), "accepted: table, json");
  expect_usage_error(ktune({"tune", "matmul", "--set", "BM=7"}), "accepted: 16, 32, 64, 128");
  expect_usage_error(ktune({"tune", "matmul", "--restrict", "BM >"}), "column");
  expect_usage_error(ktune({"tune", "matmul", "--strategy", "magic"}),
                     "--strategy magic: unknown value (accepted: auto");
  expect_usage_error(ktune({"tune", "matmul", "--budget-evals", "0"}), "--budget-evals");
}

TEST_F(Cli, RuntimeFailuresExitWith1AndNeverLoseStoredData) {
  std::vector<std::string> args{"tune", "matmul", "--shape",        "8x8x8",
                                "--db", db(),     "--budget-evals", "2"};
  args.insert(args.end(), quick_.begin(), quick_.end());
  ASSERT_EQ(ktune(args).exit_code, 0);
  const auto rows = count_rows(db(), "evaluations");
  ASSERT_EQ(rows, 2);

  // Bad input against an existing database leaves it as it was.
  expect_usage_error(ktune({"tune", "matmul", "--shape", "0x1x1", "--db", db()}), "at least 1");
  EXPECT_EQ(count_rows(db(), "evaluations"), rows);

  // An unwritable location: one line, exit 1.
  auto r = ktune({"tune", "matmul", "--shape", "8x8x8", "--db", "/nonexistent-dir/x.db"});
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;

  // A file that is not a database is reported and left untouched.
  const auto notes = dir_ / "notes.db";
  std::ofstream(notes) << std::string(2048, 'n');
  r = ktune({"tune", "matmul", "--shape", "8x8x8", "--db", notes.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not a usable ktune database"), std::string::npos) << r.err;
  EXPECT_EQ(fs::file_size(notes), 2048u);
}

}  // namespace
}  // namespace ktune::test
