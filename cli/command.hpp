#pragma once
// A subcommand of `ktune`: its name, a one-line summary for `ktune --help`, and its entry point,
// which receives the arguments after the subcommand's name and returns the exit code.
#include <string>
#include <vector>

namespace ktune::cli {

struct Command {
  std::string name;
  std::string summary;
  int (*run)(const std::vector<std::string>& args);
};

// Every subcommand, in the order `ktune --help` lists them.
const std::vector<Command>& commands();

int run_analyze(const std::vector<std::string>& args);
int run_baseline(const std::vector<std::string>& args);
int run_db(const std::vector<std::string>& args);
int run_devices(const std::vector<std::string>& args);
int run_export(const std::vector<std::string>& args);
int run_import(const std::vector<std::string>& args);
int run_metrics(const std::vector<std::string>& args);
int run_profile(const std::vector<std::string>& args);
int run_query(const std::vector<std::string>& args);
int run_tune(const std::vector<std::string>& args);

}  // namespace ktune::cli
