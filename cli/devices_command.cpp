// ktune devices: every device of every backend ktune knows, or why a backend has none.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/table.hpp"
#include "core/device_info_json.hpp"
#include "profiles/backends.hpp"

namespace ktune::cli {
namespace {

std::string mib(std::uint64_t bytes) {
  return fmt::format("{} MiB", bytes >> 20);
}
std::string kib(std::uint64_t bytes) {
  return fmt::format("{} KiB", bytes >> 10);
}

}  // namespace

int run_devices(const std::vector<std::string>& args) {
  po::options_description options("Options");
  std::string format_text;
  options.add_options()("format", po::value(&format_text)->default_value("table"), "table or json");
  add_help(options);
  auto vm = parse("devices", "ktune devices [--format table|json]", options, args);
  if (!vm) return 0;
  const Format format = parse_format(format_text, {Format::table, Format::json});

  nlohmann::json backends = nlohmann::json::array();
  Table table(
      {"backend", "#", "name", "vendor", "arch", "units", "memory", "max threads", "shared/block"});
  std::vector<std::string> problems;
  for (const auto& name : profiles::known_backends()) {
    std::string why;
    auto backend = profiles::make_backend(name, &why);
    profiles::Discovery found;
    if (backend)
      found = backend->discover();
    else
      found.problem = why;
    nlohmann::json devices = nlohmann::json::array();
    for (const auto& d : found.devices) {
      devices.push_back(to_json(d));
      table.add({d.backend, std::to_string(d.index), d.name, d.vendor, d.architecture,
                 std::to_string(d.compute_units), mib(d.global_memory_bytes),
                 std::to_string(d.max_threads_per_block), kib(d.shared_memory_per_block)});
    }
    if (!found.problem.empty()) problems.push_back(found.problem);
    backends.push_back(
        {{"backend", name},
         {"built", backend != nullptr},
         {"devices", devices},
         {"problem", found.problem.empty() ? nlohmann::json() : nlohmann::json(found.problem)}});
  }
  if (format == Format::json) {
    std::cout << nlohmann::json{{"backends", backends}}.dump(2) << '\n';
  } else {
    table.print(std::cout);
    for (const auto& p : problems)
      std::cout << p << '\n';
  }
  return 0;
}

}  // namespace ktune::cli
