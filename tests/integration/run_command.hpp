#pragma once
// Runs a program and captures its exit code, standard output and standard error.
#include <map>
#include <string>
#include <vector>

namespace ktune::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// `env` entries are added to (or, with an empty value, removed from) the inherited environment.
CommandResult run_command(const std::string& program, const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env = {});

// The lines of `text` that are not empty.
std::vector<std::string> lines(const std::string& text);

}  // namespace ktune::test
