#pragma once
// The `ktune worker` processes still alive that a test started, found in /proc by the test's
// private HOME (every process ktune starts inherits it).
#include <sys/types.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace ktune::test {

inline std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

inline std::vector<pid_t> live_workers(const std::filesystem::path& home) {
  std::vector<pid_t> found;
  const std::string wanted = "HOME=" + home.string() + '\0';
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string cmdline = read_all(entry.path() / "cmdline");
    if (cmdline.find(std::string("\0worker\0", 8)) == std::string::npos) continue;
    if (read_all(entry.path() / "environ").find(wanted) == std::string::npos) continue;
    found.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return found;
}

}  // namespace ktune::test
