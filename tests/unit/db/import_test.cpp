// Importing the shared recorded datasets: every entry stored, failures kept with their outcome,
// the same file twice stored once. (Reads the files with profiles::replay::read_dataset, as the
// CLI does.)
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "db/lookup.hpp"
#include "db/queries.hpp"
#include "db_test_support.hpp"
#include "profiles/replay/dataset_reader.hpp"

namespace ktune::db {
namespace {

const std::filesystem::path kDatasets = KTUNE_DATASETS_DIR;

std::map<std::string, std::int64_t> outcomes(const Store& store, std::int64_t session) {
  Statement s(store.connection(),
              "SELECT outcome, COUNT(*) FROM measurements WHERE session_id = ? GROUP BY outcome");
  s.bind(1, session);
  std::map<std::string, std::int64_t> counts;
  while (s.step())
    counts[s.text(0)] = s.integer(1);
  return counts;
}

TEST(Import, GemmKernelTunerCacheEveryEntry) {
  const auto dataset = profiles::replay::read_dataset(kDatasets / "gemm_RTX_2080_Ti.json.gz");
  auto store = Store::open_in_memory();
  const auto s = store.import_dataset(dataset, {});
  EXPECT_FALSE(s.already_imported);
  EXPECT_EQ(s.measurements, 17956u);
  EXPECT_EQ(s.correct, 17956u);
  EXPECT_TRUE(s.failures.empty());
  EXPECT_EQ(s.kernel, "Xgemm");
  EXPECT_EQ(s.problem, "x=4096,y=4096");
  EXPECT_EQ(s.device, "NVIDIA GeForce RTX 2080 Ti");
  EXPECT_EQ(outcomes(store, s.session), (std::map<std::string, std::int64_t>{{"correct", 17956}}));
  EXPECT_EQ(test::count_rows(store, "SELECT COUNT(*) FROM configurations"), 17956);
  // Typed values: 15 per configuration, queryable.
  EXPECT_EQ(test::count_rows(store, "SELECT COUNT(*) FROM config_values"), 17956 * 15);
  EXPECT_GT(test::count_rows(
                store, "SELECT COUNT(*) FROM config_values WHERE name = 'MWG' AND value = 128"),
            0);
  const auto session = store.session(s.session);
  EXPECT_EQ(session->origin, Origin::import);
  EXPECT_EQ(session->status, SessionStatus::completed);
  EXPECT_EQ(session->space_size, 17956u);
  EXPECT_EQ(session->settings.at("format"), "kernel_tuner");

  // The best stored is the entry with the lowest median of its runs.
  double best = 1e300;
  for (const auto& e : dataset.entries)
    best = std::min(best, summarize(e.times_ms).median);
  LookupRequest request;
  request.kernel = "Xgemm";
  request.problem = Problem{"Xgemm", {{"x", 4096}, {"y", 4096}}, "f32"};
  const auto r = Lookup(store).best(request);
  EXPECT_EQ(r.rule, LookupRule::exact);
  EXPECT_DOUBLE_EQ(r.source->median_ms, best);
  // Every run was kept, and the file's own objective beside our median.
  const auto first = store.evaluations(s.session).front();
  EXPECT_EQ(first.evaluation.samples_ms, dataset.entries.front().times_ms);
  ASSERT_EQ(first.evaluation.metrics.size(), 1u);
  EXPECT_EQ(first.evaluation.metrics[0].name, "recorded_time");
  EXPECT_DOUBLE_EQ(first.evaluation.metrics[0].value, *dataset.entries.front().time_ms);
}

TEST(Import, ConvolutionFailuresAreKeptWithTheirOutcome) {
  auto store = Store::open_in_memory();
  const auto a4000 = store.import_dataset(
      profiles::replay::read_dataset(kDatasets / "convolution_A4000.json.gz"), {});
  EXPECT_EQ(a4000.measurements, 4362u);
  EXPECT_EQ(outcomes(store, a4000.session),
            (std::map<std::string, std::int64_t>{
                {"correct", 4201}, {"launch_error", 155}, {"compile_error", 6}}));
  const auto legacy = store.import_dataset(
      profiles::replay::read_dataset(kDatasets / "convolution_legacy_RTX_2080_Ti.json.gz"), {});
  EXPECT_EQ(legacy.measurements, 6768u);
  EXPECT_EQ(outcomes(store, legacy.session),
            (std::map<std::string, std::int64_t>{
                {"correct", 5256}, {"launch_error", 86}, {"compile_error", 1426}}));
  // Failures keep the file's word for them, and have no time.
  EXPECT_EQ(test::count_rows(store,
                             "SELECT COUNT(*) FROM measurements WHERE outcome = 'compile_error' "
                             "AND message = 'CompilationFailedConfig' AND median_ms IS NULL"),
            1432);
  EXPECT_EQ(test::count_rows(store, "SELECT COUNT(*) FROM devices"), 2);
  // Timestamps are normalised to the database's ISO form.
  Statement when(store.connection(),
                 "SELECT MIN(created_at) FROM measurements WHERE session_id = ?");
  when.bind(1, a4000.session);
  ASSERT_TRUE(when.step());
  EXPECT_EQ(when.text(0).size(), 20u) << when.text(0);
  EXPECT_EQ(when.text(0)[10], 'T');
}

TEST(Import, T4FileNeedsItsDeviceNamed) {
  const auto dataset = profiles::replay::read_dataset(kDatasets / "convolution_A100_T4.json.gz");
  auto store = Store::open_in_memory();
  try {
    store.import_dataset(dataset, {});
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("does not say which device recorded it"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(test::count_rows(store, "SELECT COUNT(*) FROM sessions"), 0);
  ImportOptions options;
  options.device_name = "NVIDIA A100-PCIE-40GB";
  options.kernel = "convolution_kernel";
  options.architecture = "sm_80";
  options.dims = {{"x", 4096}, {"y", 4096}};
  const auto s = store.import_dataset(dataset, options);
  EXPECT_EQ(s.measurements, 4362u);
  EXPECT_EQ(outcomes(store, s.session),
            (std::map<std::string, std::int64_t>{
                {"correct", 4201}, {"launch_error", 155}, {"compile_error", 6}}));
  EXPECT_EQ(find_devices(store, "arch=sm_80").size(), 1u);
}

TEST(Import, AnImportFailingHalfwayLeavesNothing) {
  test::TempDir dir;
  const auto dataset = profiles::replay::read_dataset(kDatasets / "convolution_A4000.json.gz");
  ASSERT_GT(dataset.entries.size(), 100u);
  const auto path = dir / "r.db";
  {
    auto store = Store::open(path);
    // The disk fills up at the 100th measurement.
    store.connection().execute(
        "CREATE TRIGGER disk_full BEFORE INSERT ON measurements WHEN NEW.seq = 100 "
        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    EXPECT_THROW(store.import_dataset(dataset, {}), std::exception);
  }
  auto store = Store::open(path);
  for (const char* table : {"sessions", "measurements", "configurations", "config_values",
                            "metrics", "problems", "kernels", "devices"})
    EXPECT_EQ(test::count_rows(store, fmt::format("SELECT COUNT(*) FROM {}", table)), 0) << table;
  // Once the disk has room again, the same file imports whole.
  store.connection().execute("DROP TRIGGER disk_full");
  const auto s = store.import_dataset(dataset, {});
  EXPECT_FALSE(s.already_imported);
  EXPECT_EQ(s.measurements, dataset.entries.size());
}

TEST(Import, TheSameFileTwiceIsStoredOnce) {
  test::TempDir dir;
  const auto dataset = profiles::replay::read_dataset(kDatasets / "convolution_A4000.json.gz");
  auto store = Store::open(dir / "r.db");
  const auto first = store.import_dataset(dataset, {});
  const auto again = store.import_dataset(dataset, {});
  EXPECT_TRUE(again.already_imported);
  EXPECT_EQ(again.session, first.session);
  EXPECT_EQ(test::count_rows(store, "SELECT COUNT(*) FROM measurements"), 4362);
  // Told it is another device, it is other data.
  ImportOptions other;
  other.device_name = "NVIDIA RTX A4000 (second card)";
  EXPECT_FALSE(store.import_dataset(dataset, other).already_imported);
  EXPECT_EQ(test::count_rows(store, "SELECT COUNT(*) FROM measurements"), 2 * 4362);
}

}  // namespace
}  // namespace ktune::db
