// ktune query <question>: what the results database knows. `best` answers "which configuration
// should I run" (exact, nearest tuned problem, same architecture, default: always saying which);
// `top`, `history`, `sessions`, `devices` and `compare` look at what was measured.
#include <cmath>
#include <iostream>
#include <limits>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/problem_argument.hpp"
#include "core/error.hpp"
#include "core/rates.hpp"
#include "db/json.hpp"
#include "db/lookup.hpp"
#include "kernels/family.hpp"
#include "runtime/family_rules.hpp"

namespace ktune::cli {
namespace {

// --db and --format, which every question takes.
struct QueryOutput {
  DatabaseOption database;
  FormatOption output{{Format::table, Format::csv, Format::json}};
  void add_to(CommandLine& line) {
    line.add(database);
    line.add(output);
  }
};

void require(const std::string& value, const std::string& option, const CommandLine& line,
             const std::string& example) {
  if (value.empty())
    throw UsageError(fmt::format("{}: {} is required (e.g. {}; see {} --help)", line.path(), option,
                                 example, line.path()));
}

// A measurement row with its rank and GFLOP/s first, as `top` lists it.
Json ranked(std::size_t rank, const db::StoredMeasurement& m, std::optional<double> flops) {
  Json row{{"rank", rank}};
  merge_into(row, Json(m));
  std::optional<double> gflops;
  if (flops && m.evaluation.time.count > 0)
    gflops = gflops_per_second(*flops, m.evaluation.time.median);
  row["gflops"] = optional_json(gflops);
  return row;
}

std::optional<double> kernel_flops(const std::string& kernel, const Problem& problem) {
  const auto* family = kernels::family_named(kernel);
  if (!family) return std::nullopt;
  try {
    return family->flops(problem);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

const Columns kTopColumns{
    {"rank", "rank"},
    {"config", "configuration"},
    {"time.median_ms", "median ms", 4},
    {"time.ci_low_ms", ""},
    {"time.ci_high_ms", ""},
    {"ci", "95% CI ms", -1, interval_text("time."), false},
    {"time.runs", "runs"},
    {"gflops", "GFLOP/s", 2},
    {"device_name", "device"},
    {"session", "session"},
    {"measured_at", "measured at"},
};

const Columns kHistoryColumns{
    {"measured_at", "measured at"},
    {"session", "session"},
    {"device_name", "device"},
    {"driver_version", ""},
    {"runtime_version", ""},
    {"problem", "problem"},
    {"config", "configuration"},
    {"outcome", "outcome"},
    {"time.median_ms", "median ms", 4},
    {"time.ci_low_ms", ""},
    {"time.ci_high_ms", ""},
    {"ci", "95% CI ms", -1, interval_text("time."), false},
    {"time.runs", "runs"},
    {"message", "message"},
    {"measurement_id", ""},
};

const Columns kSessionColumns{
    {"id", "id"},
    {"started_at", "started"},
    {"status", "status"},
    {"origin", "origin"},
    {"kernel", "kernel"},
    {"problem", "problem"},
    {"device_name", "device"},
    {"strategy", "strategy"},
    {"measurements", "evaluated"},
    {"correct", "correct"},
    {"best_ms", "best ms", 4},
    {"best_config", "best configuration"},
};

const Columns kDeviceColumns{
    {"id", "id"},
    {"device.backend", "backend"},
    {"device.name", "name"},
    {"device.architecture", "arch"},
    {"device.compute_units", "units"},
    {"device.global_memory_bytes", "memory", -1,
     [](const Json& row) -> std::string {
       const auto& v = value_at(row, "device.global_memory_bytes");
       return v.is_number() ? fmt::format("{} MiB", v.get<std::uint64_t>() >> 20) : "";
     }},
    {"device.driver_version", "driver"},
    {"device.runtime_version", "runtime"},
    {"sessions", "sessions"},
    {"measurements", "measurements"},
};

const Columns kCompareColumns{
    {"problem", "problem"},
    {"dtype", ""},
    {"a.config", "best on A"},
    {"a.median_ms", "A ms", 4},
    {"b.config", "best on B"},
    {"b.median_ms", "B ms", 4},
    {"speedup_b_over_a", "B speed-up", 3},
    {"common_configs", "common configs"},
    {"same_config_speedup_b_over_a", "same-config speed-up", 3},
};

}  // namespace

int run_query_best(const std::vector<std::string>& args) {
  CommandLine line("ktune query best",
                   "ktune query best --kernel K --shape S [--device D] [options]");
  std::string kernel, shape, device, arch, dtype = "f32";
  double max_distance = std::numeric_limits<double>::infinity();
  QueryOutput out;
  line.options()("kernel", text_value(&kernel, "--kernel"),
                 "the kernel (matmul, conv2d) or an imported kernel's name")(
      "shape", text_value(&shape, "--shape"),
      "the problem's sizes, e.g. 1024x1024x1024, or NAME=SIZE,...")(
      "device", text_value(&device, "--device"),
      "the stored device to answer for: its id, text in its name, or name=,arch=,driver=,"
      "runtime= (see ktune query devices); default: the fastest on any device")(
      "arch", text_value(&arch, "--arch"),
      "the device's architecture (e.g. sm_90), for a device with nothing stored yet")(
      "dtype", text_value(&dtype, "--dtype"), "data type")(
      "max-distance", real_value(&max_distance, "--max-distance", 0, true, no_default),
      "farthest tuned problem to use: sum over the sizes of |ln(ratio)| (default: any)");
  out.add_to(line);
  if (!line.parse(args)) return 0;
  require(kernel, "--kernel", line, "--kernel matmul");
  require(shape, "--shape", line, "--shape 1024x1024x1024");

  auto store = open_results(out.database);
  db::LookupRequest request;
  request.kernel = kernel;
  request.problem = parse_problem(store, kernel, shape, dtype);
  if (!device.empty()) {
    const auto stored = resolve_device(store, device);
    request.device = stored.info;
    request.device_fingerprint = stored.fingerprint;
  }
  request.architecture = arch;
  request.max_distance = max_distance;
  const auto r = db::Lookup(store, runtime::family_rules(kernel)).best(request);
  const Json doc = db::lookup_json(store, request, r);

  static const Columns kBestColumns{
      {"kernel", ""},
      {"problem", ""},
      {"dtype", ""},
      {"rule", ""},
      {"config", ""},
      {"source.time.median_ms", ""},
      {"source.time.ci_low_ms", ""},
      {"source.time.ci_high_ms", ""},
      {"source.time.runs", ""},
      {"source.problem", ""},
      {"source.device_name", ""},
      {"source.session", ""},
      {"distance", ""},
      {"rechecked", ""},
      {"explanation", ""},
  };
  if (out.output.format == Format::json) {
    print_json(std::cout, doc);
    return 0;
  }
  if (out.output.format == Format::csv) {
    print_csv(std::cout, kBestColumns, Json::array({doc}));
    return 0;
  }
  auto say = [](const std::string& key, const std::string& value) {
    if (!value.empty()) std::cout << fmt::format("{:<10}  {}\n", key, value);
  };
  say("rule", doc["rule"].get<std::string>());
  say("config", r.config);
  if (const auto& src = doc["source"]; !src.is_null()) {
    say("measured",
        fmt::format("{} ms (95% CI {} ms, {} runs) for {}",
                    table_text(value_at(src, "time.median_ms"), 4), interval_text("time.")(src),
                    csv_text(value_at(src, "time.runs")), src["problem"].get<std::string>()));
    const auto arch_text = src["architecture"].get<std::string>();
    say("device", fmt::format("{}{}", src["device_name"].get<std::string>(),
                              arch_text.empty() ? "" : " (" + arch_text + ")"));
    say("session", fmt::format("{} ({})", csv_text(src["session"]), csv_text(src["measured_at"])));
  }
  if (r.distance > 0)
    say("distance",
        fmt::format("{:.3f} (sizes {:.2f}x apart in all)", r.distance, std::exp(r.distance)));
  say("why", r.explanation);
  constexpr std::size_t kShown = 3;
  for (std::size_t i = 0; i < r.rejected.size() && i < kShown; ++i)
    say("rejected", fmt::format("{} of {}: {}", r.rejected[i].config, r.rejected[i].problem,
                                r.rejected[i].reason));
  if (r.rejected.size() > kShown)
    say("", fmt::format("(and {} more rejected; --format json lists them)",
                        r.rejected.size() - kShown));
  return 0;
}

int run_query_top(const std::vector<std::string>& args) {
  CommandLine line("ktune query top",
                   "ktune query top --kernel K --shape S [--device D] [options]");
  std::string kernel, shape, device, dtype = "f32";
  std::size_t limit = 10;
  QueryOutput out;
  line.options()("kernel", text_value(&kernel, "--kernel"), "the kernel (or an imported one)")(
      "shape", text_value(&shape, "--shape"),
      "the problem's sizes, e.g. 1024x1024x1024, or NAME=SIZE,...")(
      "device", text_value(&device, "--device"),
      "only this stored device (id, name text, or name=,driver=,...)")(
      "dtype", text_value(&dtype, "--dtype"), "data type")(
      "limit", integer_value(&limit, "--limit", std::size_t{0}), "how many (0: all)");
  out.add_to(line);
  if (!line.parse(args)) return 0;
  require(kernel, "--kernel", line, "--kernel matmul");
  require(shape, "--shape", line, "--shape 1024x1024x1024");
  auto store = open_results(out.database);
  const auto problem = parse_problem(store, kernel, shape, dtype);
  std::optional<std::int64_t> device_id;
  if (!device.empty()) device_id = resolve_device(store, device).id;
  const auto list = db::top_configurations(store, kernel, problem, device_id, limit);
  const auto flops = kernel_flops(kernel, problem);
  Json rows = Json::array();
  for (std::size_t i = 0; i < list.size(); ++i)
    rows.push_back(ranked(i + 1, list[i], flops));
  if (list.empty() && out.output.format == Format::table) {
    std::cout << fmt::format(
        "no correct measurement of {} for {}{} (ktune query best finds the nearest tuned "
        "problem)\n",
        kernel, problem.canonical(), device.empty() ? "" : " on that device");
    return 0;
  }
  print_rows(std::cout, out.output.format, kTopColumns, rows);
  return 0;
}

int run_query_history(const std::vector<std::string>& args) {
  CommandLine line("ktune query history",
                   "ktune query history --kernel K --config C [--shape S] [options]");
  std::string kernel, config, shape, device, dtype = "f32";
  QueryOutput out;
  line.options()("kernel", text_value(&kernel, "--kernel"), "the kernel (or an imported one)")(
      "config", text_value(&config, "--config"),
      "the configuration: NAME=VALUE,... (all of them, or some: BM=64 matches every "
      "configuration with BM=64)")("shape", text_value(&shape, "--shape"), "only this problem")(
      "device", text_value(&device, "--device"), "only this stored device")(
      "dtype", text_value(&dtype, "--dtype"), "data type (with --shape)");
  out.add_to(line);
  if (!line.parse(args)) return 0;
  require(kernel, "--kernel", line, "--kernel matmul");
  require(config, "--config", line, "--config BM=64,BN=64");
  auto store = open_results(out.database);
  const auto configurations =
      for_option("--config", [&] { return db::matching_configurations(store, kernel, config); });
  if (configurations.empty())
    throw UsageError(fmt::format(
        "--config {}: no stored configuration of kernel '{}' has these values (see ktune query "
        "top)",
        config, kernel));
  std::optional<Problem> problem;
  if (!shape.empty()) problem = parse_problem(store, kernel, shape, dtype);
  std::optional<std::int64_t> device_id;
  if (!device.empty()) device_id = resolve_device(store, device).id;
  const Json rows = db::configuration_history(store, configurations, problem, device_id);
  print_rows(std::cout, out.output.format, kHistoryColumns, rows);
  return 0;
}

int run_query_sessions(const std::vector<std::string>& args) {
  CommandLine line("ktune query sessions",
                   "ktune query sessions [--kernel K] [--device D] [options]");
  std::string kernel, device;
  std::size_t limit = 0;
  QueryOutput out;
  line.options()("kernel", text_value(&kernel, "--kernel"), "only this kernel")(
      "device", text_value(&device, "--device"), "only this stored device")(
      "limit", integer_value(&limit, "--limit", std::size_t{0}), "only the most recent N (0: all)");
  out.add_to(line);
  if (!line.parse(args)) return 0;
  auto store = open_results(out.database);
  db::SessionFilter filter{kernel, std::nullopt, limit};
  if (!device.empty()) filter.device = resolve_device(store, device).id;
  const Json rows = db::session_summaries(store, filter);
  print_rows(std::cout, out.output.format, kSessionColumns, rows);
  return 0;
}

int run_query_devices(const std::vector<std::string>& args) {
  CommandLine line("ktune query devices", "ktune query devices [--db FILE] [--format F]");
  QueryOutput out;
  out.add_to(line);
  if (!line.parse(args)) return 0;
  auto store = open_results(out.database);
  const Json rows = db::devices(store);
  print_rows(std::cout, out.output.format, kDeviceColumns, rows);
  return 0;
}

int run_query_compare(const std::vector<std::string>& args) {
  CommandLine line("ktune query compare",
                   "ktune query compare --kernel K --device A --device B [options]");
  std::string kernel;
  std::vector<std::string> selectors;
  QueryOutput out;
  line.options()("kernel", text_value(&kernel, "--kernel"), "the kernel (or an imported one)")(
      "device", po::value(&selectors)->composing(),
      "a stored device, given twice: A then B (id, name text, or name=,driver=,runtime=,...: "
      "one GPU under two drivers is two devices)");
  out.add_to(line);
  if (!line.parse(args)) return 0;
  require(kernel, "--kernel", line, "--kernel matmul");
  if (selectors.size() != 2)
    throw UsageError(
        fmt::format("ktune query compare: --device must be given twice (A, then B), not {} time(s)",
                    selectors.size()));
  auto store = open_results(out.database);
  const auto a = resolve_device(store, selectors[0]);
  const auto b = resolve_device(store, selectors[1]);
  if (a.id == b.id)
    throw UsageError(
        fmt::format("ktune query compare: both --device select device {} ({})", a.id, a.info.name));
  const auto list = db::compare_devices(store, kernel, a.id, b.id);
  const Json rows = list;
  double log_sum = 0;
  for (const auto& c : list)
    log_sum += std::log(c.a_ms / c.b_ms);
  std::optional<double> geomean;
  if (!list.empty()) geomean = std::exp(log_sum / static_cast<double>(list.size()));
  auto device_json = [](const db::StoredDevice& d) {
    return Json{{"id", d.id}, {"fingerprint", d.fingerprint}, {"device", d.info}};
  };
  if (out.output.format == Format::json) {
    print_json(std::cout, Json{{"kernel", kernel},
                               {"a", device_json(a)},
                               {"b", device_json(b)},
                               {"problems", rows},
                               {"geomean_speedup_b_over_a", optional_json(geomean)}});
    return 0;
  }
  if (out.output.format == Format::table) {
    auto name = [](const db::StoredDevice& d) {
      return fmt::format("{} (#{}, driver {}, runtime {})", d.info.name, d.id,
                         d.info.driver_version.empty() ? "?" : d.info.driver_version,
                         d.info.runtime_version.empty() ? "?" : d.info.runtime_version);
    };
    std::cout << fmt::format("A: {}\nB: {}\n", name(a), name(b));
    if (list.empty()) {
      std::cout << fmt::format("no problem of {} has correct measurements on both\n", kernel);
      return 0;
    }
  }
  print_rows(std::cout, out.output.format, kCompareColumns, rows);
  if (out.output.format == Format::table)
    std::cout << fmt::format(
        "B is {:.3f}x as fast as A on its best configuration (geometric mean over {} common "
        "problem(s))\n",
        *geomean, list.size());
  return 0;
}

}  // namespace ktune::cli
