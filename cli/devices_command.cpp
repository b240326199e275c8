// ktune devices: every device of every backend ktune knows, or why a backend has none.
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/option_groups.hpp"
#include "profiles/backends.hpp"

namespace ktune::cli {
namespace {

std::function<std::string(const Json&)> size_text(const char* key, int shift, const char* unit) {
  return [key, shift, unit](const Json& row) -> std::string {
    const auto& v = value_at(row, key);
    if (!v.is_number()) return "";
    return fmt::format("{} {}", v.get<std::uint64_t>() >> shift, unit);
  };
}

const Columns kDeviceColumns{
    {"backend", "backend"},
    {"index", "#"},
    {"name", "name"},
    {"vendor", "vendor"},
    {"architecture", "arch"},
    {"compute_units", "units"},
    {"global_memory_bytes", "memory", -1, size_text("global_memory_bytes", 20, "MiB")},
    {"max_threads_per_block", "max threads"},
    {"shared_memory_per_block_bytes", "shared/block", -1,
     size_text("shared_memory_per_block_bytes", 10, "KiB")},
};

}  // namespace

int run_devices(const std::vector<std::string>& args) {
  CommandLine line("ktune devices", "ktune devices [--format table|json]");
  FormatOption output({Format::table, Format::json});
  line.add(output);
  if (!line.parse(args)) return 0;

  Json backends = Json::array();
  Json devices = Json::array();
  std::vector<std::string> problems;
  for (const auto& name : profiles::known_backends()) {
    std::string why;
    auto backend = profiles::make_backend(name, &why);
    profiles::Discovery found;
    if (backend)
      found = backend->discover();
    else
      found.problem = why;
    Json listed = Json::array();
    for (const auto& d : found.devices) {
      listed.push_back(d);
      devices.push_back(d);
    }
    if (!found.problem.empty()) problems.push_back(found.problem);
    backends.push_back({{"backend", name},
                        {"built", backend != nullptr},
                        {"devices", listed},
                        {"problem", found.problem.empty() ? Json(nullptr) : Json(found.problem)}});
  }
  if (output.format == Format::json) {
    print_json(std::cout, Json{{"backends", backends}});
    return 0;
  }
  print_table(std::cout, kDeviceColumns, devices);
  for (const auto& p : problems)
    std::cout << p << '\n';
  return 0;
}

}  // namespace ktune::cli
