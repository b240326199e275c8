// The page: one file with Chart.js, the data and the script inline, and no text of the database
// able to end the data's <script> element.
#include "report/report_page.hpp"

#include <gtest/gtest.h>

namespace ktune::report {
namespace {

TEST(ReportPage, IsOneFileWithTheChartingLibraryTheDataAndTheScript) {
  if (!charting_available()) GTEST_SKIP() << "Chart.js was not found at " << charting_source();
  const Json doc{{"report", {{"ktune_version", "1"}}}, {"sessions", Json::array()}};
  const std::string page = render_page(doc);
  EXPECT_NE(page.find("Chart.js v"), std::string::npos) << "Chart.js embedded";
  EXPECT_NE(page.find("<script id=\"ktune-data\" type=\"application/json\">{\"report\""),
            std::string::npos);
  EXPECT_NE(page.find("function render()"), std::string::npos) << "the drawing script";
  EXPECT_EQ(page.find("/*KTUNE_"), std::string::npos) << "a marker left unfilled";
  EXPECT_EQ(page.find("src=\"http"), std::string::npos) << "nothing fetched";
}

TEST(ReportPage, DatabaseTextCannotCloseTheDataElement) {
  if (!charting_available()) GTEST_SKIP() << "Chart.js was not found at " << charting_source();
  const Json doc{{"command", "ktune tune </script><script>alert(1)</script> <!--"},
                 {"bad", std::string("\xff\xfe")}};
  const std::string page = render_page(doc);
  const auto data = page.find("<script id=\"ktune-data\"");
  const auto end = page.find("</script>", data);
  const std::string inside = page.substr(data, end - data);
  EXPECT_NE(inside.find("\\u003c/script>\\u003cscript>alert(1)"), std::string::npos) << inside;
  EXPECT_EQ(inside.find("<!--"), std::string::npos);
  // What the page parses is the document as written (invalid UTF-8 replaced, not an error).
  const auto json_begin = inside.find('>') + 1;
  const Json back = Json::parse(inside.substr(json_begin));
  EXPECT_EQ(back["command"], doc["command"]);
}

}  // namespace
}  // namespace ktune::report
