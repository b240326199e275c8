// `ktune report` opened in a real browser (headless Chromium): a small tune on PoCL and a
// crossover sweep, the report written, then the page as Chromium leaves it after its scripts ran
// (--dump-dom) and a screenshot. Checked: no error (the page keeps every error, uncaught or
// console.error, in #ktune-errors; Chromium's own console log is checked too), every chart drawn
// with a non-zero size and pixels on it, and the numbers shown equal to the database's.
// Skipped only where no Chromium is installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run_command.hpp"

namespace ktune::test {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string chromium() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    for (const char* name : {"chromium", "chromium-browser"})
      if (::access((fs::path(dir) / name).c_str(), X_OK) == 0) return fs::path(dir) / name;
  return {};
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The attributes of a start tag.
std::map<std::string, std::string> attributes_of(const std::string& tag) {
  std::map<std::string, std::string> attributes;
  static const std::regex attribute(R"re(([a-z-]+)="([^"]*)")re");
  for (std::sregex_iterator it(tag.begin(), tag.end(), attribute), end; it != end; ++it)
    attributes[(*it)[1]] = (*it)[2];
  return attributes;
}

// The attributes of every start tag in a serialised DOM that matches `pattern`.
std::vector<std::map<std::string, std::string>> elements(const std::string& dom,
                                                         const std::string& pattern) {
  std::vector<std::map<std::string, std::string>> found;
  const std::regex start(pattern);
  for (std::sregex_iterator it(dom.begin(), dom.end(), start), end; it != end; ++it)
    found.push_back(attributes_of(it->str()));
  return found;
}

double number(const std::map<std::string, std::string>& attributes, const std::string& name) {
  const auto it = attributes.find(name);
  if (it == attributes.end() || it->second.empty()) return std::nan("");
  return std::stod(it->second);
}

class ReportInBrowser : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    browser_ = chromium();
    if (browser_.empty()) return;
    dir_ = fs::temp_directory_path() / ("ktune-report-browser-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    artifacts_ = fs::path(KTUNE_ARTIFACTS_DIR);
    fs::create_directories(artifacts_);
    const std::string db = (dir_ / "r.db").string();
    const std::vector<std::string> measure{"--min-runs", "2", "--max-runs", "3", "--db", db};
    auto with = [&](std::vector<std::string> args) {
      args.insert(args.end(), measure.begin(), measure.end());
      return args;
    };
    setup_.push_back(
        ktune(with({"tune", "matmul", "--shape", "64x64x64", "--backend", "opencl",
                    "--budget-evals", "10", "--finalists", "3", "--finalist-rounds", "2"})));
    setup_.push_back(
        ktune(with({"crossover", "matmul", "--sizes", "16,32,64", "--backend", "opencl"})));
    setup_.push_back(ktune(
        with({"tune", "matmul", "--shape", "32x32x32", "--backend", "opencl", "--budget-evals", "4",
              "--finalists", "2", "--finalist-rounds", "1", "--no-baseline"})));
    report_ = dir_ / "report.html";
    compare_ = dir_ / "compare.html";
    setup_.push_back(ktune({"report", "--session", "1", "--out", report_.string(), "--db", db}));
    setup_.push_back(ktune(
        {"report", "--session", "1", "--compare", "2", "--out", compare_.string(), "--db", db}));
    sessions_ = ktune({"query", "sessions", "--format", "json", "--db", db});
    export_ = ktune({"db", "export", "--session", "1", "--format", "json", "--db", db});
    for (const auto& [page, name] :
         {std::pair{report_, "report"}, std::pair{compare_, "compare"}}) {
      const std::vector<std::string> common{
          "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
          "--user-data-dir=" + (dir_ / ("profile-" + std::string(name))).string(),
          // Offline: any network name fails to resolve, so a fetch would show as an error.
          "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
          "--virtual-time-budget=10000", "--window-size=1400,4000"};
      auto dump = common;
      dump.push_back("--dump-dom");
      dump.push_back("file://" + page.string());
      dom_[name] = run_command(browser_, dump, {{"HOME", dir_.string()}});
      auto shot = common;
      const auto png = artifacts_ / (std::string(name) + ".png");
      fs::remove(png);
      shot.push_back("--screenshot=" + png.string());
      shot.push_back("file://" + page.string());
      screenshot_[name] = run_command(browser_, shot, {{"HOME", dir_.string()}});
      fs::copy_file(page, artifacts_ / (std::string(name) + ".html"),
                    fs::copy_options::overwrite_existing);
    }
  }
  static void TearDownTestSuite() {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  void SetUp() override {
    if (browser_.empty()) GTEST_SKIP() << "no Chromium installed (apt-get install chromium)";
    for (const auto& r : setup_)
      ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  static CommandResult ktune(const std::vector<std::string>& args) {
    return run_command(KTUNE_BINARY, args,
                       {{"HOME", dir_.string()}, {"XDG_DATA_HOME", ""}, {"KTUNE_DB", ""}});
  }
  static std::string dom(const std::string& name) { return dom_.at(name).out; }

  static void expect_no_errors(const std::string& name) {
    const auto& r = dom_.at(name);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto errors = elements(r.out, R"(<pre id="ktune-errors"[^>]*>)");
    ASSERT_EQ(errors.size(), 1u) << "the page's error list";
    EXPECT_EQ(errors[0].at("data-count"), "0")
        << r.out.substr(r.out.find("id=\"ktune-errors\""), 2000);
    EXPECT_NE(r.out.find("data-rendered=\"ok\""), std::string::npos) << "the script ran to its end";
    // Chromium's own log of the page's console: an uncaught error or a failed load shows there.
    for (const auto& line : lines(r.err)) {
      if (line.find("CONSOLE") == std::string::npos) continue;
      EXPECT_EQ(line.find("Uncaught"), std::string::npos) << line;
      EXPECT_EQ(line.find("Failed to load"), std::string::npos) << line;
    }
  }

  void renders_without_any_error();
  void draws_every_chart_with_a_non_zero_size();
  void shows_the_databases_numbers();
  void keeps_a_screenshot_as_a_test_artifact();
  void is_one_file_that_fetches_nothing();

  static inline std::string browser_;
  static inline fs::path dir_, artifacts_, report_, compare_;
  static inline std::vector<CommandResult> setup_;
  static inline CommandResult sessions_, export_;
  static inline std::map<std::string, CommandResult> dom_, screenshot_;
};

void ReportInBrowser::renders_without_any_error() {
  expect_no_errors("report");
  expect_no_errors("compare");
}

void ReportInBrowser::draws_every_chart_with_a_non_zero_size() {
  const auto canvases = elements(dom("report"), R"(<canvas[^>]*>)");
  std::set<std::string> ids;
  for (const auto& c : canvases) {
    const std::string id = c.count("id") ? c.at("id") : "?";
    ids.insert(id);
    EXPECT_GT(number(c, "data-width"), 0) << id;
    EXPECT_GT(number(c, "data-height"), 0) << id;
    EXPECT_GT(number(c, "data-ink"), 20) << id << ": nothing drawn on it";
  }
  for (const char* id : {"s0-convergence-by-index", "s0-convergence-by-time", "s0-evaluations",
                         "s0-sensitivity-0", "s0-roofline", "s0-crossover", "s0-finalists"})
    EXPECT_TRUE(ids.contains(id)) << id << " is missing; charts: " << testing::PrintToString(ids);
  // PoCL reports no occupancy: the page says so instead of drawing an empty chart.
  EXPECT_NE(dom("report").find("data-absent=\"occupancy\""), std::string::npos);
  // Two sessions side by side: every chart twice.
  const auto compared = elements(dom("compare"), R"(<canvas[^>]*>)");
  std::set<std::string> second;
  for (const auto& c : compared)
    if (c.at("id").rfind("s1-", 0) == 0) {
      second.insert(c.at("id"));
      EXPECT_GT(number(c, "data-ink"), 20) << c.at("id");
    }
  EXPECT_TRUE(second.contains("s1-evaluations"));
  EXPECT_TRUE(second.contains("s1-finalists"));
}

void ReportInBrowser::shows_the_databases_numbers() {
  ASSERT_EQ(sessions_.exit_code, 0) << sessions_.err;
  ASSERT_EQ(export_.exit_code, 0) << export_.err;
  const Json stored = Json::parse(sessions_.out).at(0);
  const Json rows = Json::parse(export_.out);
  const auto headline = elements(dom("report"), R"(<dl[^>]*id="headline-0"[^>]*>)");
  ASSERT_EQ(headline.size(), 1u);
  const auto& h = headline[0];
  EXPECT_EQ(h.at("data-session"), "1");
  EXPECT_EQ(number(h, "data-evaluations"), stored.at("measurements").get<double>());
  EXPECT_EQ(number(h, "data-evaluations"), static_cast<double>(rows.size()));
  EXPECT_EQ(number(h, "data-correct"), stored.at("correct").get<double>());
  const double best = stored.at("best_ms").get<double>();
  EXPECT_EQ(number(h, "data-best-ms"), best);
  EXPECT_EQ(h.at("data-best-config"), stored.at("best_config").get<std::string>());
  // The default configuration is a tune's first evaluation; the CPU baseline is stored with
  // every measurement.
  const Json& first = rows.at(0);
  ASSERT_EQ(first.at("seq"), 1);
  ASSERT_EQ(first.at("outcome"), "correct");
  EXPECT_DOUBLE_EQ(number(h, "data-speedup-over-default"),
                   first.at("time").at("median_ms").get<double>() / best);
  ASSERT_TRUE(first.at("cpu_baseline").is_object()) << first.dump();
  EXPECT_DOUBLE_EQ(number(h, "data-speedup-vs-cpu"),
                   first.at("cpu_baseline").at("median_ms").get<double>() / best);
  // The same numbers as a person reads them, and why the search stopped as stored.
  EXPECT_NE(dom("report").find(">" + std::to_string(rows.size()) + "</dd>"), std::string::npos);
  ASSERT_TRUE(stored.at("stop_reason").is_string()) << stored.dump();
  std::string stop = stored.at("stop_reason").get<std::string>();
  std::replace(stop.begin(), stop.end(), '_', ' ');
  EXPECT_NE(dom("report").find(">" + stop + "<"), std::string::npos) << stop;
  // The second session of the comparison was tuned without a CPU baseline: no speed-up shown.
  const auto other = elements(dom("compare"), R"(<dl[^>]*id="headline-1"[^>]*>)");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_EQ(other[0].at("data-session"), "2");
  EXPECT_FALSE(other[0].contains("data-speedup-vs-cpu"));
}

void ReportInBrowser::keeps_a_screenshot_as_a_test_artifact() {
  for (const char* name : {"report", "compare"}) {
    const auto& r = screenshot_.at(name);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto png = artifacts_ / (std::string(name) + ".png");
    ASSERT_TRUE(fs::exists(png)) << png;
    EXPECT_GT(fs::file_size(png), 20'000u) << "a blank page compresses to far less";
    EXPECT_EQ(read_file(png).substr(1, 3), "PNG");
  }
}

void ReportInBrowser::is_one_file_that_fetches_nothing() {
  const std::string page = read_file(report_);
  EXPECT_EQ(page.find(" src="), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_NE(page.find("Chart.js v3"), std::string::npos);
}

// One test: the tunes and the browser runs behind it take half a minute, shared by every check.
TEST_F(ReportInBrowser, RendersEveryChartWithoutErrorShowingTheDatabasesNumbers) {
  {
    SCOPED_TRACE("renders_without_any_error");
    renders_without_any_error();
  }
  {
    SCOPED_TRACE("draws_every_chart_with_a_non_zero_size");
    draws_every_chart_with_a_non_zero_size();
  }
  {
    SCOPED_TRACE("shows_the_databases_numbers");
    shows_the_databases_numbers();
  }
  {
    SCOPED_TRACE("keeps_a_screenshot_as_a_test_artifact");
    keeps_a_screenshot_as_a_test_artifact();
  }
  {
    SCOPED_TRACE("is_one_file_that_fetches_nothing");
    is_one_file_that_fetches_nothing();
  }
}

}  // namespace
}  // namespace ktune::test
