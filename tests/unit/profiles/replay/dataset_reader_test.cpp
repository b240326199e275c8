#include "profiles/replay/dataset_reader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/error.hpp"

namespace ktune::profiles::replay {
namespace {

const std::filesystem::path kDatasets = KTUNE_DATASETS_DIR;

std::map<std::string, int> failures(const RecordedDataset& d) {
  std::map<std::string, int> count;
  for (const auto& e : d.entries) {
    EXPECT_EQ(e.values.size(), d.params.size());
    EXPECT_EQ(e.time_ms.has_value(), e.failure.empty());
    if (!e.failure.empty()) ++count[e.failure];
  }
  return count;
}

TEST(DatasetReader, GemmKernelTunerCache) {
  const auto d = read_dataset(kDatasets / "gemm_RTX_2080_Ti.json.gz");
  EXPECT_EQ(d.format, "kernel_tuner");
  EXPECT_EQ(d.device_name, "NVIDIA GeForce RTX 2080 Ti");
  EXPECT_EQ(d.kernel_name, "Xgemm");
  EXPECT_EQ(d.entries.size(), 17956u);
  EXPECT_TRUE(failures(d).empty());
  ASSERT_EQ(d.params.size(), 15u);
  EXPECT_EQ(d.params[0].name, "MWG");
  EXPECT_EQ(d.params[0].values, (std::vector<std::int64_t>{16, 32, 64, 128}));
  EXPECT_GT(d.entries[0].times_ms.size(), 1u);
  EXPECT_GT(d.entries[0].cost_ms(), 0);
}

TEST(DatasetReader, ConvolutionFailuresAreKept) {
  const auto a4000 = read_dataset(kDatasets / "convolution_A4000.json.gz");
  EXPECT_EQ(a4000.entries.size(), 4362u);
  EXPECT_EQ(failures(a4000), (std::map<std::string, int>{{"compile", 6}, {"runtime", 155}}));
  const auto legacy = read_dataset(kDatasets / "convolution_legacy_RTX_2080_Ti.json.gz");
  EXPECT_EQ(legacy.entries.size(), 6768u);
  EXPECT_EQ(failures(legacy), (std::map<std::string, int>{{"compile", 1426}, {"runtime", 86}}));
}

TEST(DatasetReader, T4Format) {
  const auto d = read_dataset(kDatasets / "convolution_A100_T4.json.gz");
  EXPECT_EQ(d.format, "t4");
  EXPECT_EQ(d.entries.size(), 4362u);
  EXPECT_EQ(failures(d), (std::map<std::string, int>{{"compile", 6}, {"runtime", 155}}));
  EXPECT_EQ(d.params.size(), 10u);
  for (const auto& e : d.entries) {
    if (!e.time_ms) continue;
    EXPECT_GT(*e.time_ms, 0);
    EXPECT_GT(e.compile_ms, 0);
  }
}

TEST(DatasetReader, T4ParametersKeepTheFilesOrder) {
  const auto d = read_dataset(kDatasets / "convolution_A100_T4.json.gz");
  std::vector<std::string> names;
  for (const auto& p : d.params)
    names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"block_size_x", "block_size_y", "tile_size_x",
                                             "tile_size_y", "read_only", "use_padding", "use_shmem",
                                             "use_cmem", "filter_height", "filter_width"}));
}

class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    path_ = std::filesystem::temp_directory_path() /
            ("ktune-ds-" + std::to_string(::getpid()) + "-" + std::to_string(n_++) + ".json");
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  static inline int n_ = 0;
  std::filesystem::path path_;
};

TEST(DatasetReader, PlainJsonWithNonIntegerValuesBecomesChoices) {
  TempFile f(R"({"device_name": "X", "kernel_name": "k", "tune_params_keys": ["a", "b"],
    "tune_params": {}, "cache": {
      "1,fast": {"a": 1, "b": "fast", "time": 2.5, "times": [2.4, 2.6]},
      "2,slow": {"a": 2, "b": "slow", "time": "InvalidConfig"},
      "2,fast": {"a": 2, "b": "fast", "time": 1.5}}})");
  const auto d = read_dataset(f.path());
  ASSERT_EQ(d.params.size(), 2u);
  EXPECT_EQ(d.params[0].values, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(d.params[1].labels, (std::vector<std::string>{"fast", "slow"}));
  EXPECT_EQ(d.entries.size(), 3u);
  EXPECT_EQ(failures(d), (std::map<std::string, int>{{"invalid", 1}}));
}

TEST(DatasetReader, BadFilesAreUsageErrors) {
  EXPECT_THROW(read_dataset("/nonexistent/file.json"), UsageError);
  TempFile not_json("this is not json");
  EXPECT_THROW(read_dataset(not_json.path()), UsageError);
  TempFile other(R"({"hello": 1})");
  try {
    read_dataset(other.path());
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("neither a Kernel Tuner cache file"), std::string::npos);
  }
  TempFile missing_param(R"({"tune_params_keys": ["a"], "cache": {"1": {"time": 1.0}}})");
  EXPECT_THROW(read_dataset(missing_param.path()), UsageError);
}

}  // namespace
}  // namespace ktune::profiles::replay
