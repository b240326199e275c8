// ktune report: one self-contained HTML file for a stored session (the latest by default), or
// two set side by side (--compare): its facts, convergence, every evaluation, the parameters'
// effect, the roofline, occupancy, the crossover sweep, the finalists and the verdict.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/option_groups.hpp"
#include "core/error.hpp"
#include "core/pending_file.hpp"
#include "core/utf8.hpp"
#include "report/offline_occupancy.hpp"
#include "report/report_json.hpp"
#include "report/report_page.hpp"
#include "report/session_report.hpp"

namespace ktune::cli {

int run_report(const std::vector<std::string>& args) {
  CommandLine line("ktune report",
                   "ktune report [--session ID] [--compare ID] [--arch sm_90] [--out FILE] "
                   "[--db FILE]");
  std::int64_t session = 0, compare = 0;
  std::string out_file = "report.html", arch;
  DatabaseOption database;
  constexpr auto kMaxId = std::numeric_limits<std::int64_t>::max();
  line.options()("session",
                 integer_value(&session, "--session", std::int64_t{1}, kMaxId, no_default),
                 "the session to report (default: the latest)")(
      "compare", integer_value(&compare, "--compare", std::int64_t{1}, kMaxId, no_default),
      "a second session, set side by side (another device or toolkit)")(
      "arch", described_text_value(&arch, "--arch", "a GPU architecture, e.g. sm_90"),
      "also compute, offline, the theoretical occupancy of each configuration on this GPU "
      "architecture where the record has none (a tune on OpenCL, say)")(
      "out", path_value(&out_file, "--out"), "the HTML file to write (default: report.html)");
  line.add(database);
  if (!line.parse(args)) return 0;
  if (!report::charting_available())
    throw Error(fmt::format(
        "ktune report is unavailable in this build: Chart.js was not found at {} when ktune was "
        "built (install libjs-chart.js and rebuild)",
        report::charting_source()));
  if (std::error_code ec; std::filesystem::is_directory(out_file, ec))
    throw Error(fmt::format("--out {}: is a directory (accepted: a file, created or replaced)",
                            printable(out_file)));

  auto store = open_results(database);
  const auto id = line.given("session") ? session : report::latest_session(store);
  std::vector<report::SessionReport> sessions;
  sessions.push_back(
      for_option("--session", [&] { return report::load_session_report(store, id); }));
  if (line.given("compare"))
    sessions.push_back(
        for_option("--compare", [&] { return report::load_session_report(store, compare); }));
  if (line.given("arch"))
    for (auto& s : sessions)
      for_option("--arch", [&] { report::add_offline_occupancy(s, arch); });
  const std::string page = report::render_page(report::report_document(sessions, store.path()));

  // Written under a temporary name, renamed onto --out only when complete.
  PendingFile pending{std::filesystem::path(out_file)};
  std::ofstream file(pending.temporary(), std::ios::out | std::ios::trunc | std::ios::binary);
  if (!file)
    throw Error(fmt::format("--out {}: cannot write a file in its directory ({})",
                            printable(out_file), std::strerror(errno)));
  file << page;
  file.close();
  if (!file) throw Error(fmt::format("--out {}: writing failed (disk full?)", printable(out_file)));
  pending.commit();
  std::cerr << fmt::format("report of session {}{} written to {} ({} KiB)\n", id,
                           line.given("compare") ? fmt::format(" against session {}", compare) : "",
                           printable(out_file), (page.size() + 1023) / 1024);
  return 0;
}

}  // namespace ktune::cli
