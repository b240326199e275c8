#pragma once
// Runs a program and captures its exit code, standard output and standard error.
#include <sys/types.h>

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

enum class ProcessGroup {
  inherited,
  own,  // a group of its own, as a shell job has: a signal to -pid reaches it and its children
};

// Starts `program` in the background with standard output and standard error discarded; `env`
// as for run_command. The caller waits for it.
pid_t start_command(const std::string& program, const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env,
                    ProcessGroup group = ProcessGroup::inherited);

// The lines of `text` that are not empty.
std::vector<std::string> lines(const std::string& text);

}  // namespace ktune::test
