// ktune: the command line. Dispatches to one subcommand per file; turns errors into one line on
// stderr and an exit code: 2 for usage errors, 1 for runtime failures.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "core/error.hpp"

namespace ktune::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> list{
      {"devices", "list the devices of every built backend, or why there are none", run_devices},
      {"tune", "tune a kernel on a device and store every measurement", run_tune},
      {"query", "ask the results database: best configuration for a shape, top, history, ...",
       run_query},
      {"import", "store Kernel Tuner or T4 recorded searches as measurements", run_import},
      {"db", "merge, export, inspect or check a results database", run_db},
      {"export", "tuned configurations as a CMake package for other builds (dispatch header)",
       run_export},
      {"baseline", "time the best CPU implementation of a kernel (OpenBLAS, oneDNN)", run_baseline},
      {"profile", "one variant in full: time, counters, occupancy, roofline, vs the CPU",
       run_profile},
      {"metrics", "the hardware counters ktune collects on a GPU chip (offline, CUPTI)",
       run_metrics},
      {"analyze", "compile variants for a GPU architecture offline: registers, spills, occupancy",
       run_analyze},
  };
  return list;
}

namespace {

void print_help(std::ostream& out) {
  out << "ktune " KTUNE_VERSION " - kernel autotuner and profiler for CUDA and OpenCL\n\n"
      << "Usage: ktune <command> [options]\n       ktune <command> --help\n\nCommands:\n";
  for (const auto& c : commands()) {
    out << "  " << c.name << std::string(c.name.size() < 10 ? 10 - c.name.size() : 1, ' ')
        << c.summary << '\n';
  }
  out << "\nOptions:\n  -h [ --help ]  show this help and exit\n  --version      show the version "
         "and exit\n";
}

int dispatch(const std::vector<std::string>& args) {
  if (args.empty()) {
    print_help(std::cerr);
    return 2;
  }
  const std::string& name = args.front();
  if (name == "--help" || name == "-h" || name == "help") {
    if (name == "help" && args.size() > 1) return dispatch({args[1], "--help"});
    print_help(std::cout);
    return 0;
  }
  if (name == "--version") {
    std::cout << "ktune " KTUNE_VERSION "\n";
    return 0;
  }
  for (const auto& c : commands()) {
    if (c.name == name) return c.run({args.begin() + 1, args.end()});
  }
  std::string names;
  for (const auto& c : commands())
    names += (names.empty() ? "" : ", ") + c.name;
  throw UsageError("unknown command '" + name + "' (accepted: " + names + "; see ktune --help)");
}

}  // namespace
}  // namespace ktune::cli

int main(int argc, char** argv) {
  try {
    return ktune::cli::dispatch({argv + 1, argv + argc});
  } catch (const ktune::UsageError& e) {
    std::cerr << "ktune: error: " << e.what() << '\n';
    return 2;
  } catch (const ktune::Error& e) {
    std::cerr << "ktune: error: " << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "ktune: internal error: " << e.what() << '\n';
    return 1;
  }
}
