#include "report/report_page.hpp"

#include <map>
#include <stdexcept>
#include <string_view>

#include "core/error.hpp"

namespace ktune::report {

// The page's own files (report/page.html, report/page.js), embedded by cmake/KtuneEmbed.cmake.
const std::map<std::string, std::string_view, std::less<>>& embedded_files();
#if KTUNE_HAVE_CHARTJS
namespace chartjs {
const std::map<std::string, std::string_view, std::less<>>& embedded_files();
}
#endif

namespace {

std::string_view page_file(std::string_view name) {
  const auto& files = embedded_files();
  const auto it = files.find(name);
  if (it == files.end()) throw std::logic_error("report page file missing: " + std::string(name));
  return it->second;
}

// Replaces the one `marker` of `page` by `text`.
void fill(std::string& page, std::string_view marker, std::string_view text) {
  const auto at = page.find(marker);
  if (at == std::string::npos)
    throw std::logic_error("report page marker missing: " + std::string(marker));
  page.replace(at, marker.size(), text);
}

// JSON inside <script>: "</script" would end the element and "<!--" changes how it is read, so
// every '<' (which JSON has only inside strings) is written as the escape \u003c.
std::string script_safe(const std::string& json) {
  std::string safe;
  safe.reserve(json.size());
  for (char c : json)
    if (c == '<')
      safe += "\\u003c";
    else
      safe += c;
  return safe;
}

}  // namespace

bool charting_available() {
  return KTUNE_HAVE_CHARTJS != 0;
}

std::string charting_source() {
  return KTUNE_CHARTJS_PATH;
}

std::string render_page(const Json& document) {
#if KTUNE_HAVE_CHARTJS
  const std::string_view chart = chartjs::embedded_files().begin()->second;
#else
  const std::string_view chart;
  throw Error("Chart.js was not embedded into this ktune build");
#endif
  // Last marker first: what is inserted never holds a marker that comes before it.
  std::string page(page_file("report/page.html"));
  fill(page, "/*KTUNE_SCRIPT*/", page_file("report/page.js"));
  fill(page, "/*KTUNE_DATA*/",
       script_safe(document.dump(-1, ' ', false, Json::error_handler_t::replace)));
  fill(page, "/*KTUNE_CHARTJS*/", chart);
  return page;
}

}  // namespace ktune::report
