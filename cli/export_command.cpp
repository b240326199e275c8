// ktune export --kernel K --out DIR: the kernel's tuned configurations from the results database
// as a CMake package that other projects find_package() and link (see docs/EXPORT.md).
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/results_db.hpp"
#include "core/error.hpp"
#include "kernels/family.hpp"
#include "package/export_package.hpp"
#include "runtime/tuned_table.hpp"

namespace ktune::cli {

int run_export(const std::vector<std::string>& args) {
  std::string kernel, out_dir, db_option, dtype;
  std::vector<std::string> device_selectors, shapes;
  po::options_description options("Options");
  options.add_options()("kernel", po::value(&kernel), "kernel family to export: matmul or conv2d")(
      "out", po::value(&out_dir),
      "directory of the CMake package (created; several kernels can share it)")(
      "device", po::value(&device_selectors)->composing(),
      "only this stored device: its id, text in its name, or name=,arch=,driver=,runtime= "
      "(see ktune query devices); repeatable; default: every device")(
      "shapes", po::value(&shapes)->multitoken()->composing(),
      "only these tuned shapes, e.g. --shapes 1024x1024x1024 512x512x512; default: every one")(
      "dtype", po::value(&dtype)->default_value("f32"), "data type")(
      "db", po::value(&db_option),
      "results database (default: $KTUNE_DB, else $XDG_DATA_HOME/ktune/ktune.db)");
  add_help(options);
  po::positional_options_description positional;
  positional.add("kernel", 1);
  auto vm = parse("export", "ktune export <kernel> --out DIR [--device D...] [--shapes S...]",
                  options, args, &positional);
  if (!vm) return 0;
  if (kernel.empty())
    throw UsageError("ktune export: which kernel? (e.g. ktune export matmul --out tuned)");
  const auto& family = kernels::find_family(kernel);
  if (out_dir.empty())
    throw UsageError("ktune export: --out DIR is required (the package's directory)");

  const auto store = open_results(db_option);
  std::vector<std::int64_t> devices;
  for (const auto& selector : device_selectors)
    devices.push_back(resolve_device(store, selector).id);
  std::vector<Problem> problems;
  for (const auto& shape : shapes)
    problems.push_back(parse_problem(store, kernel, shape, dtype));

  const auto table = runtime::collect_tuned(store, family.name(), devices, problems);
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
