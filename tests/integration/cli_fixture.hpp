#pragma once
// A test with its own temporary directory, running `ktune` with a private HOME and no KTUNE_DB
// so that nothing touches the user's database.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "run_command.hpp"

namespace ktune::test {

class CliFixture : public ::testing::Test {
 protected:
  // For tests that run real kernels on PoCL and are not about timeouts. PoCL finishes compiling
  // a variant at its first launch, which counts in that run's time; on this shared 2-core
  // machine under load that alone has passed the default 10 s timeout.
  static inline const std::vector<std::string> kPatientTimeout{"--timeout", "120000"};

  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("ktune-" + std::string(info->test_suite_name()) + "-" + std::to_string(::getpid()) +
            "-" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // PoCL's kernel cache is shared by every test (it lives under HOME otherwise, so each test
  // would compile each variant again): its entries are keyed by source, options and device.
  std::map<std::string, std::string> env() const {
    return {{"HOME", dir_.string()},
            {"XDG_DATA_HOME", ""},
            {"KTUNE_DB", ""},
            {"POCL_CACHE_DIR",
             (std::filesystem::temp_directory_path() / "ktune-tests-pocl-cache").string()}};
  }
  // `extra` entries are added to the private environment (or override it).
  CommandResult ktune(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& extra = {}) const {
    auto vars = extra;
    vars.merge(env());
    return run_command(KTUNE_BINARY, args, vars);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // A usage error (exit code 2) or a runtime failure (1): one line on stderr with `fragment`.
  static void expect_usage_error(const CommandResult& r, const std::string& fragment) {
    expect_one_line_error(r, 2, fragment);
  }
  static void expect_runtime_error(const CommandResult& r, const std::string& fragment) {
    expect_one_line_error(r, 1, fragment);
  }
  static void expect_one_line_error(const CommandResult& r, int exit_code,
                                    const std::string& fragment) {
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    const auto err = lines(r.err);
    ASSERT_EQ(err.size(), 1u) << r.err;
    EXPECT_NE(err[0].find(fragment), std::string::npos) << err[0];
  }

  std::filesystem::path dir_;
};

}  // namespace ktune::test
