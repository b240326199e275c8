// Issue 14's bad inputs through the command line: each is refused with one line that says what
// was wrong and what is accepted (exit 2), never a crash, an "internal error" or a stored
// impossible number. The parsers behind them are fuzzed (fuzz/, docs/RELIABILITY.md).
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli_fixture.hpp"
#include "run_command.hpp"

namespace ktune::test {
namespace {

class BadInputCli : public CliFixture {
 protected:
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }
  // A Kernel Tuner file with one entry whose fields after the parameter are `fields`.
  std::string kernel_tuner(const std::string& name, const std::string& fields,
                           const std::string& problem_size = "[64, 64]") const {
    return write(name,
                 R"({"device_name": "GPU", "kernel_name": "k", "problem_size": )" + problem_size +
                     R"(, "tune_params_keys": ["a"], "cache": {"16": {"a": 16, )" + fields + "}}}");
  }
  // Refused files are read before the database is opened: none was created.
  void expect_nothing_stored() const { EXPECT_FALSE(std::filesystem::exists(path("r.db"))); }
};

TEST_F(BadInputCli, DeeplyNestedConstraintsAreRefusedNotASegfault) {
  for (const auto& restrict :
       {std::string(10000, '(') + "BM" + std::string(10000, ')') + ">0",
        std::string(100000, '!') + "1", std::string(300, '(') + "BM" + std::string(300, ')')}) {
    const auto r = ktune({"tune", "matmul", "--shape", "64x64x64", "--restrict", restrict,
                          "--budget-evals", "1", "--db", path("r.db")});
    expect_usage_error(r, "constraint");
    EXPECT_LT(r.err.size(), 400u);
  }
}

TEST_F(BadInputCli, ImpossibleNumbersInARecordedFileAreNeverStored) {
  auto r = ktune({"import", kernel_tuner("neg.json", R"("time": 2.5, "times": [-3, -3, -3])"),
                  "--db", path("r.db")});
  expect_usage_error(r, "cache['16'].times[0]: -3 is not a time in milliseconds greater than 0");
  r = ktune({"import", kernel_tuner("size.json", R"("time": 2.5)", "[99999999999999999999, -5]"),
             "--db", path("r.db")});
  expect_usage_error(r, "problem_size[0]: 1e+20 is not a size");
  r = ktune(
      {"import", kernel_tuner("zero.json", R"("time": 2.5)", "[0, 5]"), "--db", path("r.db")});
  expect_usage_error(r, "problem_size[0]: 0 is not a size");
  r = ktune({"import", kernel_tuner("huge.json", R"("time": 2.5, "times": [1e308])"), "--db",
             path("r.db")});
  expect_usage_error(r, "times[0]: 1e+308 is not a time");
  expect_nothing_stored();
}

TEST_F(BadInputCli, NumberOverflowIsAUsageErrorNotAnInternalError) {
  const auto file = kernel_tuner("inf.json", R"("time": 1e999)");
  expect_usage_error(ktune({"import", file, "--db", path("r.db")}),
                     "cache['16'].time: the number 1e999 is out of range");
  expect_usage_error(
      ktune({"tune", "--dataset", file, "--budget-evals", "1", "--db", path("r.db")}),
      "cache['16'].time: the number 1e999 is out of range");
  expect_nothing_stored();
}

TEST_F(BadInputCli, FilesThatAreNotDatasetsSaySo) {
  const auto good = kernel_tuner("good.json", R"("time": 2.5)");
  std::ifstream in(good);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  gzFile out = gzopen(path("cut.json.gz").c_str(), "wb");
  gzwrite(out, text.data(), static_cast<unsigned>(text.size()));
  gzclose(out);
  std::filesystem::resize_file(path("cut.json.gz"), 40);
  expect_usage_error(ktune({"import", path("cut.json.gz"), "--db", path("r.db")}),
                     "is a truncated gzip file");
  expect_usage_error(ktune({"import", dir_.string(), "--db", path("r.db")}), "is a directory");
  expect_usage_error(ktune({"import", "/dev/null", "--db", path("r.db")}), "is empty");
  expect_usage_error(
      ktune({"import",
             write("type.json", R"({"device_name": 5, "tune_params_keys": [], "cache": {}})"),
             "--db", path("r.db")}),
      "device_name: 5 is not text");
  expect_nothing_stored();
}

}  // namespace
}  // namespace ktune::test
