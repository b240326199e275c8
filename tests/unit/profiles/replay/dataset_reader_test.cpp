#include "profiles/replay/dataset_reader.hpp"

#include <gtest/gtest.h>

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
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

// The message of the UsageError that `read` throws ("(no error)" when it throws none). Any other
// exception escapes and fails the test, as it would reach the CLI as an "internal error".
std::string refusal(const std::function<void()>& read) {
  try {
    read();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string refusal_of(const std::string& text) {
  TempFile f(text);
  return refusal([&] { read_dataset(f.path()); });
}

// A Kernel Tuner file with one entry "16,2" whose fields after the parameters are `fields`.
std::string kernel_tuner(const std::string& fields, const std::string& problem_size = "[64, 64]") {
  return R"({"device_name": "GPU", "kernel_name": "k", "problem_size": )" + problem_size +
         R"(, "tune_params_keys": ["a", "b"], "cache": {"16,2": {"a": 16, "b": 2, )" + fields +
         "}}}";
}

// Checks a refusal names what it should and says what is accepted, in one line.
void expect_refusal(const std::string& message, std::initializer_list<const char*> fragments) {
  EXPECT_NE(message, "(no error)");
  for (const char* fragment : fragments)
    EXPECT_NE(message.find(fragment), std::string::npos)
        << "no '" << fragment << "' in: " << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(message.find("json.exception"), std::string::npos) << message;
}

TEST(DatasetReader, ImpossibleTimesAreRefusedNamingTheEntryAndField) {
  expect_refusal(refusal_of(kernel_tuner(R"("time": -3, "times": [-3, -3, -3])")),
                 {"'16,2'", "time", "-3", "greater than 0"});
  expect_refusal(refusal_of(kernel_tuner(R"("time": 2.5, "times": [2.5, -3])")),
                 {"'16,2'", "times", "-3"});
  expect_refusal(refusal_of(kernel_tuner(R"("time": 0, "times": [])")), {"'16,2'", "time"});
  expect_refusal(refusal_of(kernel_tuner(R"("time": 2.5, "times": [1e308])")),
                 {"'16,2'", "times", "at most"});
  expect_refusal(refusal_of(kernel_tuner(R"("time": -1e308)")), {"'16,2'", "time"});
  expect_refusal(refusal_of(kernel_tuner(R"("time": 2.5, "compile_time": -1)")),
                 {"'16,2'", "compile_time", "0 or more"});
}

TEST(DatasetReader, NumberOverflowIsRefusedNamingTheField) {
  expect_refusal(refusal_of(kernel_tuner(R"("time": 1e999)")), {"'16,2'", "time", "1e999"});
}

TEST(DatasetReader, ImpossibleProblemSizesAreRefused) {
  expect_refusal(refusal_of(kernel_tuner(R"("time": 2.5)", "[99999999999999999999, -5]")),
                 {"problem_size[0]", "1e+20", "from 1 to"});  // was stored as INT64_MIN
  expect_refusal(refusal_of(kernel_tuner(R"("time": 2.5)", "[64, -5]")), {"problem_size", "-5"});
  expect_refusal(refusal_of(kernel_tuner(R"("time": 2.5)", "[0, 5]")), {"problem_size", "0"});
  expect_refusal(refusal_of(kernel_tuner(R"("time": 2.5)", "[64, \"x\"]")),
                 {"problem_size", "\"x\""});
  TempFile one(kernel_tuner(R"("time": 2.5)", "4096"));
  EXPECT_EQ(read_dataset(one.path()).problem_size, (std::vector<std::int64_t>{4096}));
}

TEST(DatasetReader, TypeErrorsNameTheField) {
  expect_refusal(refusal_of(R"({"device_name": 5, "tune_params_keys": [], "cache": {}})"),
                 {"device_name", "text"});
  expect_refusal(refusal_of(R"({"tune_params_keys": "a", "cache": {}})"), {"tune_params_keys"});
  expect_refusal(refusal_of(R"({"tune_params_keys": ["a"], "cache": [1]})"), {"cache"});
  expect_refusal(refusal_of(R"({"schema_version": "1.0.0", "results": 5})"), {"results"});
  expect_refusal(
      refusal_of(
          R"({"schema_version": "1.0.0", "results": [{"configuration": {"a": 1}, "measurements": [5]}]})"),
      {"results[0]", "measurements"});
}

TEST(DatasetReader, TruncatedGzipSaysSo) {
  TempFile plain(kernel_tuner(R"("time": 2.5)"));
  const auto path = std::filesystem::temp_directory_path() /
                    ("ktune-ds-" + std::to_string(::getpid()) + "-cut.json.gz");
  {
    std::ifstream in(plain.path());
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    gzFile out = gzopen(path.c_str(), "wb");
    gzwrite(out, text.data(), static_cast<unsigned>(text.size()));
    gzclose(out);
  }
  EXPECT_EQ(read_dataset(path).entries.size(), 1u);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 12);
  expect_refusal(refusal([&] { read_dataset(path); }), {"truncated"});
  std::filesystem::remove(path);
}

TEST(DatasetReader, DirectoriesAndEmptyFilesSaySo) {
  const auto dir = std::filesystem::temp_directory_path();
  expect_refusal(refusal([&] { read_dataset(dir); }), {"a directory"});
  expect_refusal(refusal([&] { read_dataset("/dev/null"); }), {"empty"});
  expect_refusal(refusal([&] { read_dataset("/nonexistent/file.json"); }), {"no such file"});
}

TEST(DatasetReader, TextThatIsNotUtf8IsRefusedAtTheDoor) {
  const auto message = refusal_of("{\"device_name\": \"GPU\xff\", \"cache\": {}}");
  expect_refusal(message, {"UTF-8"});
  EXPECT_EQ(message.find('\xff'), std::string::npos);
}

TEST(DatasetReader, DeeplyNestedJsonIsRefused) {
  expect_refusal(refusal_of(std::string(100000, '[') + std::string(100000, ']')),
                 {"nested", "deep"});
}

}  // namespace
}  // namespace ktune::profiles::replay
