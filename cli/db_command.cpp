// ktune db <action>: the results database as a file: merge shards from several machines, export
// every measurement, show what is in it, check it.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "core/error.hpp"
#include "core/pending_file.hpp"
#include "core/utf8.hpp"
#include "db/json.hpp"
#include "db/merge.hpp"

namespace ktune::cli {
namespace {

const Columns kMergeColumns{
    {"source", "source"},
    {"sessions_added", "sessions added"},
    {"sessions_present", "already there"},
    {"measurements_added", "measurements added"},
    {"duplicates", "duplicates skipped"},
    {"renumbered", "renumbered"},
};

const Columns kRowCountColumns{{"table", "table"}, {"rows", "rows"}};

// The CSV of `db export`: every leaf of a measurement's JSON (the samples, the typed values,
// the metrics and the CPU baseline as one JSON cell each).
Columns export_columns() {
  db::StoredMeasurement prototype;
  prototype.baseline = db::CpuBaseline{};
  return leaf_columns(Json(prototype), {"params", "cpu_baseline"});
}

}  // namespace

int run_db_merge(const std::vector<std::string>& args) {
  CommandLine line("ktune db merge", "ktune db merge A.db B.db ... --into C.db");
  std::vector<std::string> sources;
  std::string into;
  FormatOption output({Format::table, Format::json});
  line.options()("source", po::value(&sources)->composing(), "a database to merge")(
      "into", path_value(&into, "--into"), "the database to merge into (created if missing)");
  line.add(output);
  line.positional("source", -1);
  if (!line.parse(args)) return 0;
  if (into.empty())
    throw UsageError(
        "ktune db merge: --into is required (e.g. ktune db merge a.db b.db --into c.db)");
  if (sources.empty())
    throw UsageError(
        "ktune db merge: which databases? (e.g. ktune db merge a.db b.db --into c.db)");
  // A new database is merged under a temporary name and appears only when every source merged.
  std::optional<PendingFile> created;
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::symlink_status(into, ec)))
    created.emplace(std::filesystem::path(into));
  DatabaseOption target;
  target.path = created ? created->temporary().string() : into;
  std::vector<db::MergeSourceReport> reports;
  {
    auto store = open_for_writing(target);
    std::vector<std::filesystem::path> paths(sources.begin(), sources.end());
    reports = db::merge_databases(store, paths);
  }
  if (created) created->commit();
  const Json rows = reports;
  if (output.format == Format::json) {
    print_json(std::cout, Json{{"into", into}, {"sources", rows}});
    return 0;
  }
  print_table(std::cout, kMergeColumns, rows);
  std::int64_t added = 0, duplicates = 0;
  for (const auto& r : reports) {
    added += r.measurements_added;
    duplicates += r.duplicates;
  }
  std::cout << fmt::format("merged into {}: {} measurements added, {} duplicates skipped\n", into,
                           added, duplicates);
  return 0;
}

int run_db_export(const std::vector<std::string>& args) {
  CommandLine line("ktune db export",
                   "ktune db export [--format csv|json] [--output FILE] [filters]");
  std::string kernel, device, output_file;
  std::int64_t session = 0;
  DatabaseOption database;
  FormatOption output({Format::csv, Format::json});
  line.options()("kernel", text_value(&kernel, "--kernel"), "only this kernel")(
      "device", text_value(&device, "--device"),
      "only this stored device (id, name text, or name=,driver=,...)")(
      "session",
      integer_value(&session, "--session", std::int64_t{1},
                    std::numeric_limits<std::int64_t>::max(), no_default),
      "only this session")("output", path_value(&output_file, "--output"),
                           "write to this file (default: standard output)");
  line.add(database);
  line.add(output);
  if (!line.parse(args)) return 0;
  auto store = open_results(database);
  db::ExportFilter filter;
  filter.kernel = kernel;
  if (!device.empty()) filter.device = resolve_device(store, device).id;
  if (line.given("session")) filter.session = session;

  // Written under a temporary name, renamed onto --output only when complete.
  std::optional<PendingFile> pending;
  std::ofstream file;
  if (!output_file.empty()) {
    if (std::error_code ec; std::filesystem::is_directory(output_file, ec))
      throw Error(fmt::format("--output {}: is a directory (accepted: a file, created or replaced)",
                              printable(output_file)));
    pending.emplace(std::filesystem::path(output_file));
    file.open(pending->temporary(), std::ios::out | std::ios::trunc);
    if (!file)
      throw Error(fmt::format("--output {}: cannot write a file in its directory ({})",
                              printable(output_file), std::strerror(errno)));
  }
  std::ostream& out = output_file.empty() ? std::cout : file;
  const Columns columns = export_columns();
  std::size_t rows = 0;
  if (output.format == Format::csv) out << csv_header(columns) << '\n';
  if (output.format == Format::json) out << "[";
  db::for_each_measurement(store, filter, [&](const db::StoredMeasurement& m) {
    const Json row = m;
    if (output.format == Format::csv) {
      out << csv_row(columns, row) << '\n';
    } else {
      out << (rows ? ",\n" : "\n") << row.dump();
    }
    ++rows;
  });
  if (output.format == Format::json) out << (rows ? "\n]\n" : "]\n");
  out.flush();
  if (!out) throw Error("export: writing the output failed (disk full?)");
  if (pending) {
    file.close();
    if (!file) throw Error("export: writing the output failed (disk full?)");
    pending->commit();
    std::cerr << fmt::format("exported {} measurements to {}{}\n", rows, printable(output_file),
                             pending->replaces() ? " (replacing the file that was there)" : "");
  }
  return 0;
}

int run_db_info(const std::vector<std::string>& args) {
  CommandLine line("ktune db info", "ktune db info [--db FILE] [--format table|json]");
  DatabaseOption database;
  FormatOption output({Format::table, Format::json});
  line.add(database);
  line.add(output);
  if (!line.parse(args)) return 0;
  auto store = open_results(database);
  const auto info = db::database_info(store);
  Json doc = info;
  doc["read_only"] = store.read_only();
  if (output.format == Format::json) {
    print_json(std::cout, doc);
    return 0;
  }
  std::cout << fmt::format("database  {}{}\nschema    {} ({} journal)\nsize      {:.1f} MiB\n",
                           info.path, store.read_only() ? " (read-only)" : "", info.schema_version,
                           info.journal_mode, static_cast<double>(info.bytes) / (1 << 20));
  Json rows = Json::array();
  for (const auto& [name, count] : info.rows)
    rows.push_back({{"table", name}, {"rows", count}});
  print_table(std::cout, kRowCountColumns, rows);
  for (const auto& m : info.migrations)
    std::cout << fmt::format(
        "schema {} since {}{}\n", m.version, m.applied_at,
        m.backup.empty() ? "" : " (migrated; the old file is " + m.backup + ")");
  return 0;
}

int run_db_check(const std::vector<std::string>& args) {
  CommandLine line("ktune db check", "ktune db check [--db FILE]");
  DatabaseOption database;
  line.add(database);
  if (!line.parse(args)) return 0;
  // Read-only, so that a damaged file is examined as it is (an older schema is migrated first).
  auto store = [&] {
    try {
      return db::Store::open_existing(database_path(database), db::Store::Access::read_only);
    } catch (const Error&) {
      return open_results(database);
    }
  }();
  const auto problems = db::check_database(store);
  if (problems.empty()) {
    std::cout << fmt::format("{}: ok (integrity and foreign keys)\n", store.path());
    return 0;
  }
  for (const auto& p : problems)
    std::cout << p << '\n';
  throw Error(
      fmt::format("database '{}' has {} problem(s), listed above", store.path(), problems.size()));
}

}  // namespace ktune::cli
