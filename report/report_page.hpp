#pragma once
// The report as one self-contained HTML file: the style, Chart.js (embedded into ktune at build
// time from Debian's libjs-chart.js), the data document and the script that draws it, all
// inline, so the page opens offline with a double click and fetches nothing.
#include <string>

#include "core/json.hpp"

namespace ktune::report {

// Whether Chart.js was found when ktune was built (without it there is no report).
bool charting_available();
// Where the build looked for it, for the message that says it is missing.
std::string charting_source();

// The page for `document` (report_document()). Requires charting_available().
std::string render_page(const Json& document);

}  // namespace ktune::report
