// ktune db <action>: the results database as a file: merge shards from several machines, export
// every measurement, show what is in it, check it.
#include <cmath>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/results_db.hpp"
#include "cli/table.hpp"
#include "core/error.hpp"
#include "db/merge.hpp"
#include "db/paths.hpp"

namespace ktune::cli {
namespace {

using nlohmann::json;

const char* const kDbHelp =
    "results database (default: $KTUNE_DB, else $XDG_DATA_HOME/ktune/ktune.db)";

json optional_json(const std::optional<double>& value) {
  return value ? json(*value) : json();
}
json optional_json(const std::optional<int>& value) {
  return value ? json(*value) : json();
}

int action_merge(const std::vector<std::string>& args) {
  std::vector<std::string> sources;
  std::string into, format_text;
  po::options_description options("Options");
  options.add_options()("source", po::value(&sources)->composing(), "a database to merge")(
      "into", po::value(&into), "the database to merge into (created if missing)")(
      "format", po::value(&format_text)->default_value("table"), "table or json");
  add_help(options);
  po::positional_options_description positional;
  positional.add("source", -1);
  auto vm =
      parse("db merge", "ktune db merge A.db B.db ... --into C.db", options, args, &positional);
  if (!vm) return 0;
  if (into.empty())
    throw UsageError(
        "ktune db merge: --into is required (e.g. ktune db merge a.db b.db --into c.db)");
  if (sources.empty())
    throw UsageError(
        "ktune db merge: which databases? (e.g. ktune db merge a.db b.db --into c.db)");
  const Format format = parse_format(format_text, {Format::table, Format::json});
  auto store = db::Store::open(into);
  note_migration(store);
  std::vector<std::filesystem::path> paths(sources.begin(), sources.end());
  const auto reports = db::merge_databases(store, paths);

  json doc = json::array();
  Table table({"source", "sessions added", "already there", "measurements added",
               "duplicates skipped", "renumbered"});
  std::int64_t added = 0, duplicates = 0;
  for (const auto& r : reports) {
    added += r.measurements_added;
    duplicates += r.duplicates;
    table.add({r.path, std::to_string(r.sessions_added), std::to_string(r.sessions_present),
               std::to_string(r.measurements_added), std::to_string(r.duplicates),
               std::to_string(r.renumbered)});
    doc.push_back({{"source", r.path},
                   {"schema_version", r.schema_version},
                   {"sessions_added", r.sessions_added},
                   {"sessions_present", r.sessions_present},
                   {"sessions_updated", r.sessions_updated},
                   {"measurements_added", r.measurements_added},
                   {"duplicates", r.duplicates},
                   {"renumbered", r.renumbered}});
  }
  if (format == Format::json) {
    std::cout << json{{"into", into}, {"sources", doc}}.dump(2) << '\n';
  } else {
    table.print(std::cout);
    std::cout << fmt::format("merged into {}: {} measurements added, {} duplicates skipped\n", into,
                             added, duplicates);
  }
  return 0;
}

const std::vector<std::string> kCsvHeader{"measurement_id",
                                          "session",
                                          "session_uid",
                                          "seq",
                                          "origin",
                                          "kernel",
                                          "variant",
                                          "source_hash",
                                          "problem",
                                          "dtype",
                                          "device",
                                          "backend",
                                          "architecture",
                                          "driver_version",
                                          "runtime_version",
                                          "device_fingerprint",
                                          "config",
                                          "outcome",
                                          "message",
                                          "runs",
                                          "median_ms",
                                          "ci_low_ms",
                                          "ci_high_ms",
                                          "mean_ms",
                                          "stddev_ms",
                                          "min_ms",
                                          "max_ms",
                                          "compile_ms",
                                          "max_error",
                                          "cost_ms",
                                          "registers",
                                          "shared_bytes",
                                          "stack_bytes",
                                          "spill_store_bytes",
                                          "spill_load_bytes",
                                          "const_bytes",
                                          "theoretical_occupancy",
                                          "occupancy_limiter",
                                          "cpu_baseline",
                                          "cpu_baseline_ms",
                                          "created_at",
                                          "samples_ms",
                                          "metrics"};

std::string full(double value) {
  return fmt::format("{}", value);
}
std::string full(const std::optional<double>& value) {
  return value ? full(*value) : "";
}
std::string full(const std::optional<int>& value) {
  return value ? std::to_string(*value) : "";
}

json metrics_json(const Evaluation& e) {
  json list = json::array();
  for (const auto& m : e.metrics)
    list.push_back({{"name", m.name},
                    {"value", std::isfinite(m.value) ? json(m.value) : json()},
                    {"unit", m.unit},
                    {"source", m.source == MetricSource::measured ? "measured" : "derived"}});
  return list;
}

std::vector<std::string> csv_row(const db::ExportRow& row) {
  const auto& v = row.view;
  const auto& e = row.stored.evaluation;
  const auto& r = e.resources;
  const bool timed = v.median_ms.has_value();
  auto stat = [&](double value) { return timed ? full(value) : std::string(); };
  return {std::to_string(v.id),
          std::to_string(v.session),
          row.session_uid,
          std::to_string(v.seq),
          row.origin,
          v.kernel,
          row.variant,
          row.source_hash,
          v.problem,
          v.dtype,
          v.device,
          row.backend,
          v.architecture,
          v.driver_version,
          v.runtime_version,
          row.device_fingerprint,
          v.config,
          v.outcome,
          v.message,
          std::to_string(v.runs),
          full(v.median_ms),
          full(v.ci_low_ms),
          full(v.ci_high_ms),
          stat(e.time.mean),
          stat(e.time.stddev),
          stat(e.time.min),
          stat(e.time.max),
          e.compile_ms > 0 ? full(e.compile_ms) : "",
          full(e.max_error),
          e.cost_ms > 0 ? full(e.cost_ms) : "",
          full(r.registers),
          full(r.shared_bytes),
          full(r.stack_bytes),
          full(r.spill_store_bytes),
          full(r.spill_load_bytes),
          full(r.const_bytes),
          full(r.theoretical_occupancy),
          r.occupancy_limiter,
          row.stored.baseline ? row.stored.baseline->name : "",
          row.stored.baseline ? full(row.stored.baseline->median_ms) : "",
          v.created_at,
          json(e.samples_ms).dump(),
          e.metrics.empty() ? "" : metrics_json(e).dump()};
}

json json_row(const db::ExportRow& row) {
  const auto& v = row.view;
  const auto& e = row.stored.evaluation;
  const auto& r = e.resources;
  json params = json::object();
  for (const auto& p : row.stored.params)
    params[p.name] = p.kind == "integer" && p.value ? json(*p.value) : json(p.label);
  json doc{
      {"measurement_id", v.id},
      {"session", v.session},
      {"session_uid", row.session_uid},
      {"seq", v.seq},
      {"origin", row.origin},
      {"kernel", v.kernel},
      {"variant", row.variant},
      {"source_hash", row.source_hash},
      {"problem", v.problem},
      {"dtype", v.dtype},
      {"device",
       {{"name", v.device},
        {"backend", row.backend},
        {"architecture", v.architecture},
        {"driver_version", v.driver_version},
        {"runtime_version", v.runtime_version},
        {"fingerprint", row.device_fingerprint}}},
      {"config", v.config},
      {"params", params},
      {"outcome", v.outcome},
      {"message", v.message},
      {"runs", v.runs},
      {"samples_ms", e.samples_ms},
      {"median_ms", optional_json(v.median_ms)},
      {"ci_ms", {optional_json(v.ci_low_ms), optional_json(v.ci_high_ms)}},
      {"compile_ms", e.compile_ms > 0 ? json(e.compile_ms) : json()},
      {"max_error", optional_json(e.max_error)},
      {"cost_ms", e.cost_ms > 0 ? json(e.cost_ms) : json()},
      {"resources",
       {{"registers", optional_json(r.registers)},
        {"shared_bytes", optional_json(r.shared_bytes)},
        {"stack_bytes", optional_json(r.stack_bytes)},
        {"spill_store_bytes", optional_json(r.spill_store_bytes)},
        {"spill_load_bytes", optional_json(r.spill_load_bytes)},
        {"const_bytes", optional_json(r.const_bytes)},
        {"theoretical_occupancy", optional_json(r.theoretical_occupancy)},
        {"occupancy_limiter", r.occupancy_limiter.empty() ? json() : json(r.occupancy_limiter)}}},
      {"metrics", metrics_json(e)},
      {"cpu_baseline", row.stored.baseline ? json{{"name", row.stored.baseline->name},
                                                  {"median_ms", row.stored.baseline->median_ms}}
                                           : json()},
      {"measured_at", v.created_at}};
  return doc;
}

int action_export(const std::vector<std::string>& args) {
  std::string db_option, format_text, kernel, device, output;
  std::int64_t session = 0;
  po::options_description options("Options");
  options.add_options()("db", po::value(&db_option), kDbHelp)(
      "format", po::value(&format_text)->default_value("csv"), "csv or json")(
      "kernel", po::value(&kernel), "only this kernel")(
      "device", po::value(&device),
      "only this stored device (id, name text, or name=,driver=,...)")(
      "session", po::value(&session), "only this session")(
      "output", po::value(&output), "write to this file (default: standard output)");
  add_help(options);
  auto vm = parse("db export", "ktune db export [--format csv|json] [--output FILE] [filters]",
                  options, args);
  if (!vm) return 0;
  const Format format = parse_format(format_text, {Format::csv, Format::json});
  auto store = open_results(db_option);
  db::ExportFilter filter;
  filter.kernel = kernel;
  if (!device.empty()) filter.device = resolve_device(store, device).id;
  if (vm->count("session")) filter.session = session;

  std::ofstream file;
  if (!output.empty()) {
    file.open(output, std::ios::out | std::ios::trunc);
    if (!file) throw Error(fmt::format("--output {}: cannot write this file", output));
  }
  std::ostream& out = output.empty() ? std::cout : file;
  std::size_t rows = 0;
  if (format == Format::csv) out << csv_line(kCsvHeader) << '\n';
  if (format == Format::json) out << "[";
  db::for_each_measurement(store, filter, [&](const db::ExportRow& row) {
    if (format == Format::csv)
      out << csv_line(csv_row(row)) << '\n';
    else
      out << (rows ? ",\n" : "\n") << json_row(row).dump();
    ++rows;
  });
  if (format == Format::json) out << (rows ? "\n]\n" : "]\n");
  out.flush();
  if (!out) throw Error("export: writing the output failed (disk full?)");
  if (!output.empty()) std::cerr << fmt::format("exported {} measurements to {}\n", rows, output);
  return 0;
}

int action_info(const std::vector<std::string>& args) {
  std::string db_option, format_text;
  po::options_description options("Options");
  options.add_options()("db", po::value(&db_option), kDbHelp)(
      "format", po::value(&format_text)->default_value("table"), "table or json");
  add_help(options);
  auto vm = parse("db info", "ktune db info [--db FILE] [--format table|json]", options, args);
  if (!vm) return 0;
  const Format format = parse_format(format_text, {Format::table, Format::json});
  auto store = open_results(db_option);
  const auto info = db::database_info(store);
  json rows = json::object();
  for (const auto& [table, count] : info.rows)
    rows[table] = count;
  json migrations = json::array();
  for (const auto& m : info.migrations)
    migrations.push_back({{"version", m.version},
                          {"applied_at", m.applied_at},
                          {"tool_version", m.tool_version},
                          {"backup", m.backup}});
  if (format == Format::json) {
    std::cout << json{{"path", info.path},
                      {"schema_version", info.schema_version},
                      {"journal_mode", info.journal_mode},
                      {"bytes", info.bytes},
                      {"read_only", store.read_only()},
                      {"rows", rows},
                      {"migrations", migrations}}
                     .dump(2)
              << '\n';
    return 0;
  }
  std::cout << fmt::format("database  {}{}\nschema    {} ({} journal)\nsize      {:.1f} MiB\n",
                           info.path, store.read_only() ? " (read-only)" : "", info.schema_version,
                           info.journal_mode, static_cast<double>(info.bytes) / (1 << 20));
  Table table({"table", "rows"});
  for (const auto& [name, count] : info.rows)
    table.add({name, std::to_string(count)});
  table.print(std::cout);
  for (const auto& m : info.migrations)
    std::cout << fmt::format(
        "schema {} since {}{}\n", m.version, m.applied_at,
        m.backup.empty() ? "" : " (migrated; the old file is " + m.backup + ")");
  return 0;
}

int action_check(const std::vector<std::string>& args) {
  std::string db_option;
  po::options_description options("Options");
  options.add_options()("db", po::value(&db_option), kDbHelp);
  add_help(options);
  auto vm = parse("db check", "ktune db check [--db FILE]", options, args);
  if (!vm) return 0;
  auto store = open_results(db_option);
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

struct Action {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>&);
};

const Action kActions[] = {
    {"merge", "merge databases (shards from several machines) into one; duplicates skipped",
     action_merge},
    {"export", "every measurement as CSV or JSON", action_export},
    {"info", "schema version, size and row counts", action_info},
    {"check", "integrity and foreign-key check", action_check},
};

std::string action_names() {
  std::string names;
  for (const auto& a : kActions)
    names += (names.empty() ? "" : ", ") + std::string(a.name);
  return names;
}

}  // namespace

int run_db(const std::vector<std::string>& args) {
  if (args.empty())
    throw UsageError(
        fmt::format("ktune db: which action? ({}; see ktune db --help)", action_names()));
  const std::string& name = args.front();
  if (name == "--help" || name == "-h") {
    std::cout
        << "Usage: ktune db <action> [options]\n       ktune db <action> --help\n\nActions:\n";
    for (const auto& a : kActions)
      std::cout << fmt::format("  {:<8}{}\n", a.name, a.summary);
    return 0;
  }
  for (const auto& a : kActions)
    if (name == a.name) return a.run({args.begin() + 1, args.end()});
  throw UsageError(
      fmt::format("ktune db: unknown action '{}' (accepted: {})", name, action_names()));
}

}  // namespace ktune::cli
