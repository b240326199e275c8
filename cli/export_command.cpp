// ktune export <kernel> --out DIR: the kernel's tuned configurations from the results database
// as a CMake package that other projects find_package() and link (see docs/EXPORT.md).
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/problem_argument.hpp"
#include "core/error.hpp"
#include "kernels/family.hpp"
#include "package/export_package.hpp"
#include "runtime/tuned_table.hpp"

namespace ktune::cli {

int run_export(const std::vector<std::string>& args) {
  CommandLine line("ktune export",
                   "ktune export <kernel> --out DIR [--device D...] [--shapes S...]");
  std::string kernel, out_dir, dtype = "f32";
  std::vector<std::string> device_selectors, shapes;
  DatabaseOption database;
  line.options()("kernel", text_value(&kernel, "kernel"), "the kernel to export: matmul or conv2d")(
      "out", path_value(&out_dir, "--out"),
      "directory of the CMake package (created; several kernels can share it)")(
      "device", po::value(&device_selectors)->composing(),
      "only this stored device: its id, text in its name, or name=,arch=,driver=,runtime= "
      "(see ktune query devices); repeatable; default: every device")(
      "shapes", po::value(&shapes)->multitoken()->composing(),
      "only these tuned problems, e.g. --shapes 1024x1024x1024 512x512x512; default: every one")(
      "dtype", text_value(&dtype, "--dtype"), "data type");
  line.add(database);
  line.positional("kernel");
  if (!line.parse(args)) return 0;
  if (kernel.empty())
    throw UsageError("ktune export: which kernel? (e.g. ktune export matmul --out tuned)");
  const auto& family = kernels::find_family(kernel);
  if (out_dir.empty())
    throw UsageError("ktune export: --out DIR is required (the package's directory)");

  const auto store = open_results(database);
  std::vector<std::int64_t> devices;
  for (const auto& selector : device_selectors)
    devices.push_back(resolve_device(store, selector).id);
  std::vector<Problem> problems;
  for (const auto& shape : shapes)
    problems.push_back(parse_problem(store, kernel, shape, dtype));

  const auto table = runtime::collect_tuned(store, family.name(), devices, problems);
  if (table.entries.empty())
    throw UsageError(fmt::format(
        "ktune export: nothing tuned for {} in {} (tune it first: ktune tune {} --db ...; or "
        "widen --device/--shapes)",
        family.name(), store.path(), family.name()));
  const auto summary = package::export_package(table, family, out_dir);
  std::cout << fmt::format(
      "exported {} tuned {} results ({} devices, {} configurations) from {} to {}\n"
      "use it: find_package(ktune_tuned REQUIRED PATHS {}) and link ktune::tuned_{} "
      "(CUDA: ktune::tuned_{}_cuda)\n",
      summary.entries, family.name(), summary.devices, summary.configurations, store.path(),
      summary.directory.string(), summary.directory.string(), family.name(), family.name());
  return 0;
}

}  // namespace ktune::cli
