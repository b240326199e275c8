// `ktune report` through the binary, without a browser: what it writes, and its errors (one line,
// exit code 2 for a bad argument and 1 for what cannot be done, nothing written).
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"
#include "db/store.hpp"

namespace ktune::test {
namespace {

namespace fs = std::filesystem;

class ReportCli : public CliFixture {
 protected:
  // A replayed tune: quick, and a real session with every evaluation stored.
  std::string tuned() {
    const std::string db = path("r.db");
    const auto r = ktune({"tune", "--dataset", KTUNE_DATASETS_DIR "/gemm_RTX_2080_Ti.json.gz",
                          "--budget-evals", "12", "--db", db});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return db;
  }
  std::vector<std::string> files() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_))
      names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
};

TEST_F(ReportCli, WritesOnePageHoldingTheLatestSession) {
  const auto db = tuned();
  ASSERT_EQ(ktune({"tune", "--dataset", KTUNE_DATASETS_DIR "/gemm_RTX_2080_Ti.json.gz",
                   "--budget-evals", "5", "--seed", "3", "--db", db})
                .exit_code,
            0);
  const auto r = ktune({"report", "--out", path("page.html"), "--db", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("report of session 2 written to"), std::string::npos) << r.err;
  std::ifstream in(path("page.html"));
  std::stringstream text;
  text << in.rdbuf();
  const std::string page = text.str();
  const std::string open = "<script id=\"ktune-data\" type=\"application/json\">";
  const auto begin = page.find(open);
  ASSERT_NE(begin, std::string::npos);
  const auto end = page.find("</script>", begin);
  const auto doc =
      nlohmann::json::parse(page.substr(begin + open.size(), end - begin - open.size()));
  ASSERT_EQ(doc["sessions"].size(), 1u);
  EXPECT_EQ(doc["sessions"][0]["session"]["id"], 2);
  EXPECT_EQ(doc["sessions"][0]["evaluations"].size(), 5u);
  EXPECT_EQ(files(), (std::vector<std::string>{"page.html", "r.db"}));
}

TEST_F(ReportCli, ADatabaseWithoutSessionsIsARuntimeErrorAndWritesNothing) {
  { db::Store::open(path("empty.db")); }
  const auto r = ktune({"report", "--out", path("page.html"), "--db", path("empty.db")});
  expect_runtime_error(r, "holds no sessions yet (tune or import first)");
  EXPECT_FALSE(fs::exists(path("page.html")));
}

TEST_F(ReportCli, AnUnknownSessionIsAUsageErrorNamingTheSessionsThere) {
  const auto db = tuned();
  expect_usage_error(ktune({"report", "--session", "7", "--out", path("page.html"), "--db", db}),
                     "--session 7: no such session in " + db + " (it holds 1 session, ids 1 to 1)");
  expect_usage_error(ktune({"report", "--compare", "9", "--out", path("page.html"), "--db", db}),
                     "--compare 9: no such session in");
  EXPECT_FALSE(fs::exists(path("page.html")));
}

TEST_F(ReportCli, AnOutputInAMissingDirectoryWritesNothing) {
  const auto db = tuned();
  expect_runtime_error(
      ktune({"report", "--out", path("none/page.html"), "--db", db}),
      "--out " + path("none/page.html") + ": cannot write a file in its directory");
  EXPECT_EQ(files(), (std::vector<std::string>{"r.db"}));
}

}  // namespace
}  // namespace ktune::test
