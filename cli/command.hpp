#pragma once
// The commands of `ktune`, as one tree: a command either runs (a leaf: `tune`, `query best`) or
// holds subcommands (a group: `ktune`, `query`, `db`). One dispatcher walks the tree, answers
// --help from it and names what is accepted when a name is unknown.
#include <string>
#include <vector>

namespace ktune::cli {

struct Command {
  std::string name;
  std::string summary;  // one line for the help of the group it is in
  // A leaf's entry point: the arguments after its name; returns the exit code.
  int (*run)(const std::vector<std::string>& args) = nullptr;
  std::vector<Command> subcommands{};  // a group's commands, in the order its help lists them
};

// `ktune` and every command under it (cli/commands.cpp).
const Command& root_command();

// Runs `args` against `command`, whose full name is `path` ("ktune query").
int dispatch(const Command& command, const std::string& path, const std::vector<std::string>& args);

// The leaves, one file each.
int run_analyze(const std::vector<std::string>& args);
int run_baseline(const std::vector<std::string>& args);
int run_crossover(const std::vector<std::string>& args);
int run_db_check(const std::vector<std::string>& args);
int run_db_export(const std::vector<std::string>& args);
int run_db_info(const std::vector<std::string>& args);
int run_db_merge(const std::vector<std::string>& args);
int run_devices(const std::vector<std::string>& args);
int run_export(const std::vector<std::string>& args);
int run_import(const std::vector<std::string>& args);
int run_metrics(const std::vector<std::string>& args);
int run_profile(const std::vector<std::string>& args);
int run_query_best(const std::vector<std::string>& args);
int run_query_compare(const std::vector<std::string>& args);
int run_query_devices(const std::vector<std::string>& args);
int run_query_history(const std::vector<std::string>& args);
int run_query_sessions(const std::vector<std::string>& args);
int run_query_top(const std::vector<std::string>& args);
int run_report(const std::vector<std::string>& args);
int run_tune(const std::vector<std::string>& args);
// Hidden (no help lists it): the worker process of --isolation process.
int run_worker(const std::vector<std::string>& args);

}  // namespace ktune::cli
