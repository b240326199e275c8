// `ktune report --arch`: the theoretical occupancy of a session tuned where the backend reports
// none (OpenCL on PoCL here), computed offline with NVRTC for a GPU architecture.
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace ktune::test {
namespace {

class ReportArchCli : public CliFixture {
 protected:
  nlohmann::json embedded(const std::string& file) const {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    const std::string page = text.str();
    const std::string open = "<script id=\"ktune-data\" type=\"application/json\">";
    const auto begin = page.find(open);
    const auto end = page.find("</script>", begin);
    if (begin == std::string::npos || end == std::string::npos) return nullptr;
    return nlohmann::json::parse(page.substr(begin + open.size(), end - begin - open.size()));
  }
};

TEST_F(ReportArchCli, ComputesTheOccupancyOfAnOpenClSessionOffline) {
  const std::string db = path("r.db");
  auto r = ktune({"tune", "matmul", "--shape", "64x64x64", "--backend", "opencl", "--budget-evals",
                  "3", "--finalists", "0", "--no-baseline", "--min-runs", "2", "--max-runs", "3",
                  kPatientTimeout[0], kPatientTimeout[1], "--db", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  r = ktune({"report", "--out", path("plain.html"), "--db", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto plain = embedded(path("plain.html"))["sessions"][0];
  EXPECT_TRUE(plain["occupancy_arch"].is_null());
  for (const auto& e : plain["evaluations"])
    EXPECT_TRUE(e["resources"]["theoretical_occupancy"].is_null()) << "OpenCL reports none";

  r = ktune({"report", "--arch", "sm_80", "--out", path("sm80.html"), "--db", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto s = embedded(path("sm80.html"))["sessions"][0];
  EXPECT_EQ(s["occupancy_arch"], "sm_80");
  ASSERT_EQ(s["evaluations"].size(), 3u);
  for (const auto& e : s["evaluations"]) {
    const auto& occupancy = e["resources"]["theoretical_occupancy"];
    ASSERT_TRUE(occupancy.is_number()) << e.dump();
    EXPECT_GT(occupancy.get<double>(), 0.0);
    EXPECT_LE(occupancy.get<double>(), 1.0);
    EXPECT_GT(e["resources"]["registers"].get<int>(), 0);
  }
}

TEST_F(ReportArchCli, BadArchitecturesAndImportedKernelsAreOneLineErrors) {
  const std::string db = path("r.db");
  const auto tuned = ktune({"tune", "--dataset", KTUNE_DATASETS_DIR "/gemm_RTX_2080_Ti.json.gz",
                            "--budget-evals", "4", "--db", db});
  ASSERT_EQ(tuned.exit_code, 0) << tuned.err;
  expect_usage_error(ktune({"report", "--arch", "sm_99x", "--out", path("a.html"), "--db", db}),
                     "--arch");
  expect_usage_error(ktune({"report", "--arch", "sm_90", "--out", path("b.html"), "--db", db}),
                     "which ktune cannot compile (accepted: a session of matmul");
  expect_usage_error(ktune({"report", "--arch", "", "--out", path("c.html"), "--db", db}),
                     "--arch: empty (accepted: a GPU architecture");
  EXPECT_FALSE(std::filesystem::exists(path("a.html")));
  EXPECT_FALSE(std::filesystem::exists(path("b.html")));
}

}  // namespace
}  // namespace ktune::test
