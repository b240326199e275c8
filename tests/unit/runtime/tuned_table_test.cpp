// The tuned table an export writes, read back: what it accepts and how it refuses the rest.
#include "runtime/tuned_table.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/utf8.hpp"
#include "tests/support/temp_dir.hpp"

namespace ktune::runtime {
namespace {

// A table with one entry whose fields are `entry` (a JSON object's members).
std::string table_with(const std::string& entry) {
  return R"({"format": "ktune-tuned-table", "version": 1, "kernel": "matmul", "entries": [{)" +
         entry + "}]}";
}

const std::string kDevice =
    R"("device": {"backend": "cuda", "name": "GPU", "architecture": "sm_90"})";
const std::string kGood = kDevice +
                          R"(, "problem": {"m": 64, "n": 64, "k": 64}, "config": "BM=64,BN=32",
                          "median_ms": 0.5, "measurement": 7)";

std::string refusal(const std::string& text) {
  try {
    parse_tuned_table(text, "t.json");
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

void expect_refusal(const std::string& text, std::initializer_list<const char*> fragments) {
  const auto message = refusal(text);
  EXPECT_NE(message, "(no error)");
  for (const char* fragment : fragments)
    EXPECT_NE(message.find(fragment), std::string::npos)
        << "no '" << fragment << "' in: " << message;
  EXPECT_NE(message.find("t.json"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_EQ(message.find("json.exception"), std::string::npos) << message;
  EXPECT_FALSE(invalid_utf8_at(message)) << message;
}

TEST(TunedTable, ReadsWhatItWrites) {
  const auto table = parse_tuned_table(table_with(kGood), "t.json");
  ASSERT_EQ(table.entries.size(), 1u);
  const auto& e = table.entries[0];
  EXPECT_EQ(e.problem.canonical(), "m=64,n=64,k=64");
  EXPECT_EQ(e.device.architecture, "sm_90");
  EXPECT_EQ(e.median_ms, 0.5);
  EXPECT_EQ(e.measurement, 7);
  const auto again = parse_tuned_table(to_json(table).dump(), "t.json");
  EXPECT_EQ(again.entries[0].config, e.config);
  EXPECT_EQ(again.entries[0].problem, e.problem);
}

TEST(TunedTable, ImpossibleNumbersAreRefusedNamingTheEntryAndField) {
  const std::string rest = kDevice + R"(, "problem": {"m": 64}, "config": "BM=64")";
  expect_refusal(table_with(rest + R"(, "median_ms": -3)"), {"entries[0]", "median_ms", "-3"});
  expect_refusal(table_with(rest + R"(, "median_ms": 0)"), {"median_ms", "greater than 0"});
  expect_refusal(table_with(rest + R"(, "median_ms": 1e999)"), {"median_ms", "1e999"});
  expect_refusal(
      table_with(kDevice + R"(, "problem": {"m": -1}, "config": "BM=64", "median_ms": 1)"),
      {"entries[0]", "problem", "m", "-1"});
  expect_refusal(
      table_with(kDevice + R"(, "problem": {"m": 1e300}, "config": "BM=64", "median_ms": 1)"),
      {"problem", "m"});
  expect_refusal(table_with(rest + R"(, "median_ms": 1, "measurement": -2)"),
                 {"measurement", "-2"});
}

TEST(TunedTable, TypeErrorsNameTheField) {
  const std::string rest = R"("problem": {"m": 64}, "config": "BM=64", "median_ms": 1)";
  expect_refusal(
      table_with(kDevice + R"(, "problem": {"m": "x"}, "config": "BM=64", "median_ms": 1)"),
      {"entries[0]", "problem", "m"});
  expect_refusal(table_with(R"("device": 5, )" + rest), {"entries[0]", "device"});
  expect_refusal(
      table_with(R"("device": {"backend": "cuda", "name": "GPU", "index": 1e300}, )" + rest),
      {"device", "index"});
  expect_refusal(
      table_with(R"("device": {"backend": "cuda", "name": "GPU", "max_block_dim": [1]}, )" + rest),
      {"device", "max_block_dim"});
  expect_refusal(table_with(kDevice + R"(, "problem": {"m": 64}, "config": 5, "median_ms": 1)"),
                 {"entries[0]", "config"});
  expect_refusal(
      R"({"format": "ktune-tuned-table", "version": "1", "kernel": "matmul", "entries": []})",
      {"version"});
  expect_refusal(
      R"({"format": "ktune-tuned-table", "version": 1, "kernel": "matmul", "entries": {}})",
      {"entries"});
  expect_refusal("[1, 2]", {"ktune export"});
}

TEST(TunedTable, MalformedTextIsRefused) {
  expect_refusal(
      table_with(kDevice + R"(, "problem": {"m": 64}, "config": "BM=64,", "median_ms": 1)"),
      {"entries[0]", "config"});
  expect_refusal("{\"format\": \"ktune-tuned-table\xff\"}", {"UTF-8"});
  expect_refusal(std::string(100000, '[') + std::string(100000, ']'), {"nested"});
  expect_refusal("{\"format\": ", {"not JSON"});
}

TEST(TunedTable, FilesThatAreNotTablesSaySo) {
  test::TempDir dir;
  auto read = [](const std::filesystem::path& path) {
    try {
      read_tuned_table(path);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_NE(read(dir.path()).find("a directory"), std::string::npos) << read(dir.path());
  EXPECT_NE(read("/dev/null").find("empty"), std::string::npos) << read("/dev/null");
  EXPECT_NE(read(dir.path() / "none.json").find("no such file"), std::string::npos);
  std::ofstream(dir.path() / "t.json") << table_with(kGood);
  EXPECT_EQ(read_tuned_table(dir.path() / "t.json").entries.size(), 1u);
}

}  // namespace
}  // namespace ktune::runtime
