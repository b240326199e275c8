// The results database through the command line: ktune import, ktune query, ktune db.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "db/schema.hpp"
#include "db/sqlite.hpp"
#include "run_command.hpp"

namespace ktune::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kDatasets = KTUNE_DATASETS_DIR;
const std::string kA4000 = (kDatasets / "convolution_A4000.json.gz").string();
const std::string kA100 = (kDatasets / "convolution_A100_T4.json.gz").string();
const std::string kLegacy = (kDatasets / "convolution_legacy_RTX_2080_Ti.json.gz").string();

class DbCli : public CliFixture {
 protected:
  std::string db(const std::string& name = "results.db") const { return path(name); }

  json ktune_json(std::vector<std::string> args) {
    args.insert(args.end(), {"--format", "json"});
    const auto r = ktune(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }

  void import_a4000(const std::string& path) {
    const auto r = ktune({"import", kA4000, "--db", path});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void import_a100(const std::string& path) {
    const auto r =
        ktune({"import", kA100, "--db", path, "--device-name", "NVIDIA A100-PCIE-40GB", "--kernel",
               "convolution_kernel", "--shape", "4096x4096", "--arch", "sm_80"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
};

TEST_F(DbCli, ImportKeepsFailuresAndStoresAFileOnce) {
  auto r = ktune({"import", kA4000, "--db", db()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("4362 measurements (4201 correct, 6 compile_error, 155 launch_error)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("convolution_kernel x=4096,y=4096 on NVIDIA RTX A4000"), std::string::npos)
      << r.out;
  r = ktune({"import", kA4000, "--db", db()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("already imported as session 1"), std::string::npos) << r.out;
  db::Connection c(db(), db::Connection::Mode::read_only);
  db::Statement s(c, "SELECT COUNT(*) FROM measurements");
  s.step();
  EXPECT_EQ(s.integer(0), 4362);

  // A T4 file does not name its GPU: the import says how to name it, and writes nothing.
  expect_usage_error(ktune({"import", kA100, "--db", db()}), "--device-name");
  expect_usage_error(ktune({"import", (dir_ / "none.json").string(), "--db", db()}),
                     "no such file");
  expect_usage_error(ktune({"import", "--db", db()}), "which file");
  expect_usage_error(ktune({"import", kA100, "--shape", "4096xq", "--db", db()}), "--shape");
}

TEST_F(DbCli, QueryBestSaysWhichRuleAnswered) {
  import_a4000(db());
  auto doc = ktune_json(
      {"query", "best", "--db", db(), "--kernel", "convolution_kernel", "--shape", "4096x4096"});
  EXPECT_EQ(doc["rule"], "exact");
  EXPECT_EQ(doc["source"]["device_name"], "NVIDIA RTX A4000");
  const auto exact_config = doc["config"].get<std::string>();
  const double exact_ms = doc["source"]["time"]["median_ms"];
  // `top` agrees on the winner, fastest first.
  const auto top = ktune_json({"query", "top", "--db", db(), "--kernel", "convolution_kernel",
                               "--shape", "x=4096,y=4096", "--limit", "5"});
  ASSERT_EQ(top.size(), 5u);
  EXPECT_EQ(top[0]["config"], exact_config);
  EXPECT_DOUBLE_EQ(top[0]["time"]["median_ms"].get<double>(), exact_ms);
  for (std::size_t i = 1; i < top.size(); ++i)
    EXPECT_LE(top[i - 1]["time"]["median_ms"].get<double>(),
              top[i]["time"]["median_ms"].get<double>());

  // A shape never tuned: the nearest one, and how near (no constraints known for this kernel).
  doc = ktune_json({"query", "best", "--db", db(), "--kernel", "convolution_kernel", "--shape",
                    "8192x4096", "--device", "A4000"});
  EXPECT_EQ(doc["rule"], "nearest_shape");
  EXPECT_EQ(doc["config"], exact_config);
  EXPECT_NEAR(doc["distance"].get<double>(), std::log(2.0), 1e-9);
  EXPECT_FALSE(doc["rechecked"].get<bool>());
  // Another architecture with nothing stored, and a kernel without a default: none.
  doc = ktune_json({"query", "best", "--db", db(), "--kernel", "convolution_kernel", "--shape",
                    "4096x4096", "--arch", "sm_90"});
  EXPECT_EQ(doc["rule"], "none");

  // The table says the same for humans; CSV has a header and one row.
  auto r = ktune(
      {"query", "best", "--db", db(), "--kernel", "convolution_kernel", "--shape", "8192x4096"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("rule        nearest_shape"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sizes 2.00x apart"), std::string::npos) << r.out;
  r = ktune({"query", "best", "--db", db(), "--kernel", "convolution_kernel", "--shape",
             "4096x4096", "--format", "csv"});
  ASSERT_EQ(lines(r.out).size(), 2u) << r.out;
  EXPECT_EQ(lines(r.out)[0].rfind("kernel,problem,dtype,rule,config", 0), 0u);
}

TEST_F(DbCli, BuiltInFamilyUsesItsConstraintsAndDefault) {
  // A matmul tuned briefly on the OpenCL device, then asked about other shapes.
  auto r = ktune({"tune", "matmul", "--shape", "32x32x32", "--db", db(), "--budget-evals", "3",
                  "--min-runs", "2", "--max-runs", "3", kPatientTimeout[0], kPatientTimeout[1]});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto doc = ktune_json({"query", "best", "--db", db(), "--kernel", "matmul", "--shape", "32x32x32",
                         "--device", "1"});
  EXPECT_EQ(doc["rule"], "exact");
  doc = ktune_json({"query", "best", "--db", db(), "--kernel", "matmul", "--shape", "64x32x32",
                    "--device", "1"});
  EXPECT_EQ(doc["rule"], "nearest_shape");
  EXPECT_TRUE(doc["rechecked"].get<bool>()) << doc.dump();
  // A device never seen, of an architecture never seen: the family's default.
  doc = ktune_json({"query", "best", "--db", db(), "--kernel", "matmul", "--shape", "64x32x32",
                    "--arch", "sm_100"});
  EXPECT_EQ(doc["rule"], "default_config");
  EXPECT_FALSE(doc["config"].get<std::string>().empty());
  const auto sessions = ktune_json({"query", "sessions", "--db", db()});
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_GE(sessions[0]["measurements"].get<int>(), 1);
  EXPECT_LE(sessions[0]["measurements"].get<int>(), 3);  // --budget-evals 3
  EXPECT_EQ(sessions[0]["origin"], "tune");
  const auto history = ktune_json({"query", "history", "--db", db(), "--kernel", "matmul",
                                   "--config", sessions[0]["best_config"].get<std::string>()});
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0]["outcome"], "correct");
}

TEST_F(DbCli, CompareTwoDevicesOnTheirCommonProblems) {
  import_a4000(db());
  import_a100(db());
  const auto devices = ktune_json({"query", "devices", "--db", db()});
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_EQ(devices[1]["device"]["architecture"], "sm_80");
  const auto doc = ktune_json({"query", "compare", "--db", db(), "--kernel", "convolution_kernel",
                               "--device", "A4000", "--device", "arch=sm_80"});
  ASSERT_EQ(doc["problems"].size(), 1u);
  const auto& p = doc["problems"][0];
  EXPECT_EQ(p["problem"], "x=4096,y=4096");
  // 4201 correct on each GPU, 4195 of them the same configurations (checked with Python on the
  // files); the T4 file lists parameters in another order, which must not matter.
  EXPECT_EQ(p["common_configs"], 4195);
  EXPECT_GT(p["speedup_b_over_a"].get<double>(), 1.0);  // the A100 is the faster GPU
  EXPECT_NEAR(doc["geomean_speedup_b_over_a"].get<double>(), p["speedup_b_over_a"].get<double>(),
              1e-12);
  auto r = ktune({"query", "compare", "--db", db(), "--kernel", "convolution_kernel", "--device",
                  "A4000", "--device", "A100"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("B is "), std::string::npos) << r.out;
  expect_usage_error(ktune({"query", "compare", "--db", db(), "--kernel", "convolution_kernel",
                            "--device", "A4000"}),
                     "twice");
  expect_usage_error(ktune({"query", "compare", "--db", db(), "--kernel", "convolution_kernel",
                            "--device", "NVIDIA", "--device", "A4000"}),
                     "2 stored devices match");
}

TEST_F(DbCli, MergeSkipsAndReportsDuplicates) {
  import_a4000(db("a.db"));
  import_a4000(db("b.db"));
  ASSERT_EQ(ktune({"import", kLegacy, "--db", db("b.db")}).exit_code, 0);
  const auto doc = ktune_json({"db", "merge", db("a.db"), db("b.db"), "--into", db("c.db")});
  const auto& sources = doc["sources"];
  ASSERT_EQ(sources.size(), 2u);
  EXPECT_EQ(sources[0]["measurements_added"], 4362);
  EXPECT_EQ(sources[1]["sessions_added"], 1);
  EXPECT_EQ(sources[1]["sessions_present"], 1);
  EXPECT_EQ(sources[1]["duplicates"], 4362);
  EXPECT_EQ(sources[1]["measurements_added"], 6768);
  const auto info = ktune_json({"db", "info", "--db", db("c.db")});
  EXPECT_EQ(info["rows"]["measurements"], 4362 + 6768);
  EXPECT_EQ(info["schema_version"], 4);
  auto r = ktune({"db", "merge", db("a.db"), "--into", db("c.db")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("0 measurements added, 4362 duplicates skipped"), std::string::npos)
      << r.out;
  expect_usage_error(ktune({"db", "merge", db("a.db")}), "--into is required");
  expect_usage_error(ktune({"db", "merge", db("a.db"), "--into", db("a.db")}), "target itself");
}

TEST_F(DbCli, ExportCsvAndJson) {
  import_a4000(db());
  import_a100(db());
  auto r = ktune({"db", "export", "--db", db(), "--device", "A4000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto csv = lines(r.out);
  ASSERT_EQ(csv.size(), 1u + 4362u);
  EXPECT_EQ(csv[0].rfind("measurement_id,session,session_uid,seq,origin,kernel", 0), 0u);
  const auto out = dir_ / "a100.json";
  r = ktune({"db", "export", "--db", db(), "--format", "json", "--session", "2", "--output",
             out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("exported 4362 measurements"), std::string::npos) << r.err;
  std::ifstream in(out);
  const auto doc = json::parse(in);
  ASSERT_EQ(doc.size(), 4362u);
  std::size_t failures = 0;
  for (const auto& m : doc) {
    EXPECT_EQ(m["device_name"], "NVIDIA A100-PCIE-40GB");
    if (m["outcome"] != "correct") {
      ++failures;
      EXPECT_TRUE(m["time"]["median_ms"].is_null());
    } else {
      EXPECT_FALSE(m["samples_ms"].empty());
      EXPECT_TRUE(m["params"]["block_size_x"].is_number());
    }
  }
  EXPECT_EQ(failures, 161u);
  expect_usage_error(ktune({"db", "export", "--db", db(), "--format", "xml"}),
                     "accepted: csv, json");
}

// Issue 14.11-12: db export --output says when it replaces a file, and a failing export or
// merge leaves nothing behind (outputs are written under a temporary name, renamed on success).
TEST_F(DbCli, OutputsAppearOnlyWhenComplete) {
  import_a4000(db());
  const auto out = dir_ / "old.csv";
  std::ofstream(out) << "keep me\n";
  auto r = ktune({"db", "export", "--db", db(), "--output", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("(replacing the file that was there)"), std::string::npos) << r.err;
  EXPECT_GT(fs::file_size(out), 1000u);

  std::ofstream(out) << "keep me\n";
  std::ofstream(path("notes.db")) << std::string(4096, 'x');
  expect_runtime_error(ktune({"db", "export", "--db", path("notes.db"), "--output", out.string()}),
                       "not a usable ktune database");
  EXPECT_EQ(fs::file_size(out), 8u);

  expect_runtime_error(ktune({"db", "merge", path("notes.db"), "--into", path("new.db")}),
                       "notes.db");
  for (const auto& entry : fs::directory_iterator(dir_))
    EXPECT_EQ(entry.path().filename().string().find("new.db"), std::string::npos)
        << entry.path() << " was left behind";
}

TEST_F(DbCli, OldDatabasesAreMigratedAndBrokenOnesReported) {
  const auto old = db("old.db");
  {
    db::Connection c(old);
    c.execute(db::schema_sql(1));
    c.execute(
        "PRAGMA user_version = 1;"
        "INSERT INTO sessions VALUES (1, '2024-01-01T00:00:00Z', NULL, 'interrupted', 'matmul', "
        "'m=8,n=8,k=8', 'opencl', 'cpu', 'opencl|cpu|x|2|1024|1|2', 'exhaustive', 1, '0.1.0');"
        "INSERT INTO evaluations (session_id, config, outcome, samples_ms, median_ms, "
        "created_at) VALUES (1, 'TS=8,WPT=1', 'correct', '[1.0]', 1.0, '2024-01-01T00:00:01Z');");
  }
  auto r = ktune({"query", "sessions", "--db", old, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("migrated"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(old + ".v1-backup"));
  const auto sessions = json::parse(r.out);
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0]["best_config"], "TS=8,WPT=1");
  r = ktune({"db", "check", "--db", old});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(": ok"), std::string::npos);

  // Cut in half: a one-line error and exit code 1, never a crash.
  import_a4000(db("big.db"));
  fs::resize_file(db("big.db"), fs::file_size(db("big.db")) / 2);
  r = ktune({"db", "check", "--db", db("big.db")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
  r = ktune({"query", "sessions", "--db", db("big.db")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
}

TEST_F(DbCli, UsageAndMissingDatabaseErrors) {
  expect_usage_error(ktune({"query"}), "ktune query: which command? (accepted: best");
  expect_usage_error(ktune({"query", "fastest"}), "unknown command 'fastest' (accepted: best");
  expect_usage_error(ktune({"db"}), "ktune db: which command? (accepted: merge");
  expect_usage_error(ktune({"db", "vacuum"}), "unknown command 'vacuum' (accepted: merge");
  expect_runtime_error(ktune({"query", "devices", "--db", db("none.db")}), "no results database");
  EXPECT_FALSE(fs::exists(db("none.db")));
  // The default location is the one ktune tune uses.
  expect_runtime_error(ktune({"query", "sessions"}), ".local/share/ktune/ktune.db");
  import_a4000(db());
  expect_usage_error(ktune({"query", "best", "--db", db(), "--kernel", "convolution_kernel"}),
                     "--shape is required");
  expect_usage_error(ktune({"query", "best", "--db", db(), "--kernel", "fft", "--shape", "8"}),
                     "unknown kernel 'fft' (accepted: ");
  expect_usage_error(
      ktune({"query", "best", "--db", db(), "--kernel", "convolution_kernel", "--shape", "4096"}),
      "has 2 sizes (x, y): give them as 4096x4096 or x=4096,y=4096");
  expect_usage_error(ktune({"query", "top", "--db", db(), "--kernel", "convolution_kernel",
                            "--shape", "4096x4096", "--device", "H100"}),
                     "no stored device matches");
  expect_usage_error(ktune({"query", "history", "--db", db(), "--kernel", "convolution_kernel",
                            "--config", "block_size_x=7"}),
                     "no stored configuration");
  for (const char* command : {"query", "import", "db"}) {
    auto r = ktune({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
  }
  auto help = ktune({"--help"});
  for (const char* command : {"query", "import", "db"})
    EXPECT_NE(help.out.find(command), std::string::npos);
}

}  // namespace
}  // namespace ktune::test
