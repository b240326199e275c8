// The command tree of `ktune` and its dispatcher.
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "core/error.hpp"

namespace ktune::cli {

const Command& root_command() {
  static const Command root{
      "ktune",
      "kernel autotuner and profiler for CUDA and OpenCL",
      nullptr,
      {
          {"devices", "list the devices of every built backend, or why there are none",
           run_devices},
          {"tune", "tune a kernel on a device and store every measurement", run_tune},
          {"query",
           "ask the results database: best configuration for a problem, top, history, ...",
           nullptr,
           {
               {"best", "the configuration to run for a kernel, problem and device, and why",
                run_query_best},
               {"top", "the fastest configurations measured for a problem", run_query_top},
               {"history", "a configuration's measurements over time", run_query_history},
               {"sessions", "tuning sessions and imports, with their best result",
                run_query_sessions},
               {"devices", "the devices results were measured on", run_query_devices},
               {"compare", "two devices (or driver/toolkit versions) on their common problems",
                run_query_compare},
           }},
          {"import", "store Kernel Tuner or T4 recorded searches as measurements", run_import},
          {"db",
           "merge, export, inspect or check a results database",
           nullptr,
           {
               {"merge",
                "merge databases (shards from several machines) into one; duplicates "
                "skipped",
                run_db_merge},
               {"export", "every measurement as CSV or JSON", run_db_export},
               {"info", "schema version, size and row counts", run_db_info},
               {"check", "integrity and foreign-key check", run_db_check},
           }},
          {"export", "tuned configurations as a CMake package for other builds (dispatch header)",
           run_export},
          {"baseline", "time the best CPU implementation of a kernel (OpenBLAS, oneDNN)",
           run_baseline},
          {"profile", "one variant in full: time, counters, occupancy, roofline, vs the CPU",
           run_profile},
          {"crossover",
           "the device against the CPU over sizes, with and without the copies: where it wins",
           run_crossover},
          {"report",
           "one self-contained HTML report of a session (charts, verdict), offline; --compare "
           "sets two side by side",
           run_report},
          {"metrics", "the hardware counters ktune collects on a GPU chip (offline, CUPTI)",
           run_metrics},
          {"analyze",
           "compile variants for a GPU architecture offline: registers, spills, "
           "occupancy",
           run_analyze},
      }};
  return root;
}

namespace {

std::string names_of(const Command& group) {
  std::string names;
  for (const auto& c : group.subcommands)
    names += (names.empty() ? "" : ", ") + c.name;
  return names;
}

void print_group_help(std::ostream& out, const Command& group, const std::string& path) {
  const bool root = path == "ktune";
  out << (root ? fmt::format("ktune {} - {}\n\n", KTUNE_VERSION, group.summary) : "")
      << fmt::format("Usage: {} <command> [options]\n       {} <command> --help\n\nCommands:\n",
                     path, path);
  std::size_t width = 0;
  for (const auto& c : group.subcommands)
    width = std::max(width, c.name.size());
  for (const auto& c : group.subcommands)
    out << fmt::format("  {:<{}}  {}\n", c.name, width, c.summary);
  if (root)
    out << "\nOptions:\n  -h [ --help ]  show this help and exit\n  --version      show the "
           "version and exit\n";
}

}  // namespace

int dispatch(const Command& command, const std::string& path,
             const std::vector<std::string>& args) {
  if (command.run) return command.run(args);
  if (args.empty()) {
    if (path == "ktune") {
      print_group_help(std::cerr, command, path);
      return 2;
    }
    throw UsageError(fmt::format("{}: which command? (accepted: {}; see {} --help)", path,
                                 names_of(command), path));
  }
  const std::string& name = args.front();
  if (name == "--help" || name == "-h" || name == "help") {
    if (name == "help" && args.size() > 1) return dispatch(command, path, {args[1], "--help"});
    print_group_help(std::cout, command, path);
    return 0;
  }
  if (name == "--version" && path == "ktune") {
    std::cout << "ktune " KTUNE_VERSION "\n";
    return 0;
  }
  if (path == "ktune" && name == "worker") return run_worker({args.begin() + 1, args.end()});
  for (const auto& c : command.subcommands)
    if (c.name == name) return dispatch(c, path + " " + c.name, {args.begin() + 1, args.end()});
  throw UsageError(fmt::format("{}: unknown command '{}' (accepted: {}; see {} --help)", path, name,
                               names_of(command), path));
}

}  // namespace ktune::cli
