// ktune import FILE...: stores recorded searches (Kernel Tuner cache files and T4 files, gzip or
// plain) as measurements of the device that recorded them, failures included. Importing the
// same data twice stores it once.
#include <chrono>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/results_db.hpp"
#include "core/error.hpp"
#include "db/paths.hpp"
#include "profiles/replay/dataset_reader.hpp"

namespace ktune::cli {
namespace {

// "4096x4096" -> x, y (Kernel Tuner's problem_size order); "n=1,h=224" as written.
std::vector<std::pair<std::string, std::int64_t>> parse_import_shape(const std::string& text) {
  if (text.find('=') != std::string::npos) return db::parse_shape_text(text);
  std::vector<std::pair<std::string, std::int64_t>> dims;
  std::size_t start = 0;
  for (int i = 0;; ++i) {
    const auto x = text.find('x', start);
    const std::string part = text.substr(start, x - start);
    std::size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (part.empty() || used != part.size() || value < 1)
      throw UsageError(fmt::format(
          "--shape {}: expected sizes joined by 'x' (4096x4096) or NAME=SIZE,...", text));
    static const char* const kNames[] = {"x", "y", "z"};
    dims.emplace_back(i < 3 ? kNames[i] : fmt::format("d{}", i), value);
    if (x == std::string::npos) break;
    start = x + 1;
  }
  return dims;
}

}  // namespace

int run_import(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  std::string db_option, format_text, shape;
  db::ImportOptions import;
  import.tool_version = KTUNE_VERSION;
  po::options_description options("Options");
  options.add_options()("file", po::value(&files)->composing(),
                        "Kernel Tuner cache or T4 file (.json or .json.gz); repeatable")(
      "device-name", po::value(&import.device_name),
      "the GPU that recorded it (required when the file does not say, as in T4 files)")(
      "kernel", po::value(&import.kernel),
      "the kernel's name (default: the file's; required when it has none)")(
      "shape", po::value(&shape),
      "the problem: sizes joined by 'x' (named x, y, z) or NAME=SIZE,... (default: the file's "
      "problem_size)")("dtype", po::value(&import.dtype)->default_value("f32"), "data type")(
      "arch", po::value(&import.architecture),
      "the GPU's architecture, e.g. sm_86 (lets ktune query best use it for that architecture)")(
      "db", po::value(&db_option),
      "results database (default: $KTUNE_DB, else $XDG_DATA_HOME/ktune/ktune.db)")(
      "format", po::value(&format_text)->default_value("table"), "table or json");
  add_help(options);
  po::positional_options_description positional;
  positional.add("file", -1);
  auto vm = parse("import", "ktune import FILE... [--device-name NAME] [--kernel K] [options]",
                  options, args, &positional);
  if (!vm) return 0;
  if (files.empty())
    throw UsageError("ktune import: which file? (e.g. ktune import gemm_RTX_2080_Ti.json.gz)");
  const Format format = parse_format(format_text, {Format::table, Format::json});
  if (!shape.empty()) import.dims = parse_import_shape(shape);

  // Every file is read (and rejected if unreadable) before anything is written.
  std::vector<RecordedDataset> datasets;
  for (const auto& file : files)
    datasets.push_back(profiles::replay::read_dataset(file));

  const auto path = db::database_path(db_option);
  auto store = db::Store::open(path, db::is_default_location(db_option));
  note_migration(store);
  nlohmann::json doc = nlohmann::json::array();
  for (const auto& dataset : datasets) {
    const auto start = std::chrono::steady_clock::now();
    const auto s = store.import_dataset(dataset, import);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    doc.push_back({{"file", dataset.source},
                   {"format", dataset.format},
                   {"session", s.session},
                   {"already_imported", s.already_imported},
                   {"kernel", s.kernel},
                   {"problem", s.problem},
                   {"device", s.device},
                   {"measurements", s.measurements},
                   {"correct", s.correct},
                   {"failures", s.failures},
                   {"seconds", seconds}});
    if (format != Format::table) continue;
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
  if (format == Format::json)
    std::cout << nlohmann::json{{"database", path.string()}, {"imports", doc}}.dump(2) << '\n';
  else
    std::cout << fmt::format("stored in {}\n", path.string());
  return 0;
}

}  // namespace ktune::cli
