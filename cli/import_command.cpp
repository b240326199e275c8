// ktune import FILE...: stores recorded searches (Kernel Tuner cache files and T4 files, gzip or
// plain) as measurements of the device that recorded them, failures included. Importing the
// same data twice stores it once.
#include <charconv>
#include <chrono>
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "db/json.hpp"
#include "db/paths.hpp"
#include "profiles/replay/dataset_reader.hpp"

namespace ktune::cli {
namespace {

// "4096x4096" -> x, y (Kernel Tuner's problem_size order); "n=1,h=224" as written.
std::vector<std::pair<std::string, std::int64_t>> parse_import_shape(const std::string& text) {
  if (text.find('=') != std::string::npos)
    return for_option("--shape", [&] { return db::parse_shape_text(text); });
  std::vector<std::pair<std::string, std::int64_t>> dims;
  const auto parts = split(text, 'x');
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::int64_t value = 0;
    const auto* end = parts[i].data() + parts[i].size();
    const auto [ptr, ec] = std::from_chars(parts[i].data(), end, value);
    if (parts[i].empty() || ec != std::errc() || ptr != end || value < 1)
      throw UsageError(fmt::format(
          "--shape {}: expected sizes joined by 'x' (4096x4096) or NAME=SIZE,...", text));
    static const char* const kNames[] = {"x", "y", "z"};
    dims.emplace_back(i < 3 ? kNames[i] : fmt::format("d{}", i), value);
  }
  return dims;
}

}  // namespace

int run_import(const std::vector<std::string>& args) {
  CommandLine line("ktune import",
                   "ktune import FILE... [--device-name NAME] [--kernel K] [options]");
  std::vector<std::string> files;
  std::string shape;
  db::ImportOptions import;
  import.tool_version = KTUNE_VERSION;
  DatabaseOption database;
  FormatOption output({Format::table, Format::json});
  line.options()("file", po::value(&files)->composing(),
                 "Kernel Tuner cache or T4 file (.json or .json.gz); repeatable")(
      "device-name", text_value(&import.device_name, "--device-name"),
      "the GPU that recorded it (required when the file does not say, as in T4 files)")(
      "kernel", text_value(&import.kernel, "--kernel"),
      "the kernel's name (default: the file's; required when it has none)")(
      "shape", text_value(&shape, "--shape"),
      "the problem: sizes joined by 'x' (named x, y, z) or NAME=SIZE,... (default: the file's "
      "problem_size)")("dtype", text_value(&import.dtype, "--dtype"), "data type")(
      "arch", text_value(&import.architecture, "--arch"),
      "the GPU's architecture, e.g. sm_86 (lets ktune query best use it for that architecture)");
  line.add(database);
  line.add(output);
  line.positional("file", -1);
  if (!line.parse(args)) return 0;
  if (files.empty())
    throw UsageError("ktune import: which file? (e.g. ktune import gemm_RTX_2080_Ti.json.gz)");
  if (!shape.empty()) import.dims = parse_import_shape(shape);

  // Every file is read (and rejected if unreadable) before anything is written.
  std::vector<RecordedDataset> datasets;
  for (const auto& file : files) {
    datasets.push_back(profiles::replay::read_dataset(file));
    const auto& d = datasets.back();
    if (d.device_name.empty() && import.device_name.empty())
      throw UsageError(fmt::format(
          "{}: the file does not say which device recorded it; name it with --device-name", file));
    if (d.kernel_name.empty() && import.kernel.empty())
      throw UsageError(
          fmt::format("{}: the file does not name its kernel; name it with --kernel", file));
  }

  auto store = open_for_writing(database);
  Json imports = Json::array();
  for (const auto& dataset : datasets) {
    const auto start = std::chrono::steady_clock::now();
    const auto s = store.import_dataset(dataset, import);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Json entry{{"file", dataset.source}, {"format", dataset.format}};
    merge_into(entry, Json(s));
    entry["seconds"] = seconds;
    imports.push_back(entry);
    if (output.format != Format::table) continue;
    if (s.already_imported) {
      std::cout << fmt::format("{}: already imported as session {}; nothing written\n",
                               dataset.source, s.session);
      continue;
    }
    std::string failures;
    for (const auto& [outcome, count] : s.failures)
      failures += fmt::format(", {} {}", count, outcome);
    std::cout << fmt::format(
        "{}: {} measurements ({} correct{}) of {} {} on {} as session {} ({:.2f} s)\n",
        dataset.source, s.measurements, s.correct, failures, s.kernel, s.problem, s.device,
        s.session, seconds);
  }
  if (output.format == Format::json)
    print_json(std::cout, Json{{"database", store.path()}, {"imports", imports}});
  else
    std::cout << fmt::format("stored in {}\n", store.path());
  return 0;
}

}  // namespace ktune::cli
