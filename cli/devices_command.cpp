// ktune devices: every device of every backend ktune knows, or why a backend has none.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/table.hpp"
#include "profiles/backends.hpp"

namespace ktune::cli {
namespace {

std::string mib(std::uint64_t bytes) {
  return fmt::format("{} MiB", bytes >> 20);
}
std::string kib(std::uint64_t bytes) {
  return fmt::format("{} KiB", bytes >> 10);
}

nlohmann::json to_json(const DeviceInfo& d) {
  return {{"backend", d.backend},
          {"index", d.index},
          {"name", d.name},
          {"vendor", d.vendor},
          {"architecture", d.architecture},
          {"driver_version", d.driver_version},
          {"runtime_version", d.runtime_version},
          {"compute_units", d.compute_units},
          {"global_memory_bytes", d.global_memory_bytes},
          {"max_allocation_bytes", d.max_allocation_bytes},
          {"shared_memory_per_block_bytes", d.shared_memory_per_block},
          {"shared_memory_per_block_optin_bytes", d.shared_memory_per_block_optin},
          {"l2_bytes", d.l2_bytes},
          {"max_threads_per_block", d.max_threads_per_block},
          {"clock_mhz", d.clock_mhz},
          {"peak_bandwidth_gbs", d.peak_bandwidth_gbs},
          {"peak_gflops_fp32", d.peak_gflops_fp32}};
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
