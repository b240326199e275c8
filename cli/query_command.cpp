// ktune query <question>: what the results database knows. `best` answers "which configuration
// should I run" (exact, nearest tuned shape, same architecture, default: always saying which);
// `top`, `history`, `sessions`, `devices` and `compare` look at what was measured.
#include <cmath>
#include <iostream>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/results_db.hpp"
#include "cli/table.hpp"
#include "core/error.hpp"
#include "db/lookup.hpp"
#include "runtime/family_rules.hpp"

namespace ktune::cli {
namespace {

using nlohmann::json;

json optional_json(const std::optional<double>& value) {
  return value ? json(*value) : json();
}

std::string ci_text(const std::optional<double>& low, const std::optional<double>& high) {
  return low && high ? fmt::format("{:.4f}-{:.4f}", *low, *high) : "";
}

// --db and --format, which every question takes.
struct Output {
  std::string db;
  std::string format_text;
  Format format = Format::table;

  void add_to(po::options_description& options) {
    options.add_options()("db", po::value(&db),
                          "results database (default: $KTUNE_DB, else "
                          "$XDG_DATA_HOME/ktune/ktune.db)")(
        "format", po::value(&format_text)->default_value("table"), "table, csv or json");
  }
  void check() { format = parse_format(format_text, {Format::table, Format::csv, Format::json}); }
};

void require(const std::string& value, const std::string& option, const std::string& question,
             const std::string& example) {
  if (value.empty())
    throw UsageError(
        fmt::format("ktune query {}: {} is required (e.g. {}; see ktune query {} "
                    "--help)",
                    question, option, example, question));
}

void print_rows(Format format, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows, const json& doc) {
  if (format == Format::json) {
    std::cout << doc.dump(2) << '\n';
  } else if (format == Format::csv) {
    std::cout << csv_line(header) << '\n';
    for (const auto& row : rows)
      std::cout << csv_line(row) << '\n';
  } else {
    Table table(header);
    for (const auto& row : rows)
      table.add(row);
    table.print(std::cout);
  }
}

int question_best(const std::vector<std::string>& args) {
  Output out;
  std::string kernel, shape, device, arch, dtype;
  double max_distance = std::numeric_limits<double>::infinity();
  po::options_description options("Options");
  options.add_options()("kernel", po::value(&kernel),
                        "kernel family (matmul, conv2d) or an imported kernel's name")(
      "shape", po::value(&shape), "problem shape, e.g. 1024x1024x1024, or NAME=SIZE,...")(
      "device", po::value(&device),
      "the stored device to answer for: its id, text in its name, or name=,arch=,driver=,"
      "runtime= (see ktune query devices); default: the fastest on any device")(
      "arch", po::value(&arch),
      "the device's architecture (e.g. sm_90), for a device with nothing stored yet")(
      "dtype", po::value(&dtype)->default_value("f32"), "data type")(
      "max-distance", po::value(&max_distance),
      "farthest tuned shape to use: sum over the sizes of |ln(ratio)| (default: any)");
  out.add_to(options);
  add_help(options);
  auto vm = parse("query best", "ktune query best --kernel K --shape S [--device D] [options]",
                  options, args);
  if (!vm) return 0;
  require(kernel, "--kernel", "best", "--kernel matmul");
  require(shape, "--shape", "best", "--shape 1024x1024x1024");
  out.check();
  if (!(max_distance >= 0)) throw UsageError("--max-distance: must be a number >= 0");

  auto store = open_results(out.db);
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

  const auto& src = r.source;
  json doc{{"kernel", kernel},
           {"problem", request.problem.canonical()},
           {"dtype", request.problem.dtype},
           {"rule", db::to_string(r.rule)},
           {"config", r.config.empty() ? json() : json(r.config)},
           {"distance", r.distance},
           {"rechecked", r.rechecked},
           {"explanation", r.explanation},
           {"source", json()},
           {"rejected", json::array()}};
  if (src)
    doc["source"] = {{"measurement", src->measurement},
                     {"session", src->session},
                     {"problem", src->problem.canonical()},
                     {"device", src->device},
                     {"device_id", src->device_id},
                     {"architecture", src->architecture},
                     {"median_ms", src->median_ms},
                     {"ci_ms", {optional_json(src->ci_low_ms), optional_json(src->ci_high_ms)}},
                     {"runs", src->runs},
                     {"rank", src->rank},
                     {"measured_at", src->created_at}};
  for (const auto& x : r.rejected)
    doc["rejected"].push_back({{"problem", x.problem}, {"config", x.config}, {"reason", x.reason}});

  if (out.format == Format::json) {
    std::cout << doc.dump(2) << '\n';
  } else if (out.format == Format::csv) {
    std::cout << csv_line({"kernel", "problem", "dtype", "rule", "config", "median_ms", "ci_low_ms",
                           "ci_high_ms", "runs", "tuned_problem", "device", "session", "distance",
                           "rechecked", "explanation"})
              << '\n'
              << csv_line(
                     {kernel, request.problem.canonical(), request.problem.dtype,
                      std::string(db::to_string(r.rule)), r.config,
                      src ? number(src->median_ms, 6) : "", src ? number(src->ci_low_ms, 6) : "",
                      src ? number(src->ci_high_ms, 6) : "", src ? std::to_string(src->runs) : "",
                      src ? src->problem.canonical() : "", src ? src->device : "",
                      src ? std::to_string(src->session) : "", number(r.distance, 6),
                      r.rechecked ? "true" : "false", r.explanation})
              << '\n';
  } else {
    auto line = [](const std::string& key, const std::string& value) {
      if (!value.empty()) std::cout << fmt::format("{:<10}  {}\n", key, value);
    };  // a blank key continues the line above
    line("rule", std::string(db::to_string(r.rule)));
    line("config", r.config);
    if (src) {
      line("measured", fmt::format("{:.4f} ms (95% CI {} ms, {} runs) for {}", src->median_ms,
                                   ci_text(src->ci_low_ms, src->ci_high_ms), src->runs,
                                   src->problem.canonical()));
      line("device", fmt::format("{}{}", src->device,
                                 src->architecture.empty() ? "" : " (" + src->architecture + ")"));
      line("session", fmt::format("{} ({})", src->session, src->created_at));
    }
    if (r.distance > 0)
      line("distance",
           fmt::format("{:.3f} (sizes {:.2f}x apart in all)", r.distance, std::exp(r.distance)));
    line("why", r.explanation);
    constexpr std::size_t kShown = 3;
    for (std::size_t i = 0; i < r.rejected.size() && i < kShown; ++i)
      line("rejected", fmt::format("{} of {}: {}", r.rejected[i].config, r.rejected[i].problem,
                                   r.rejected[i].reason));
    if (r.rejected.size() > kShown)
      line("", fmt::format("(and {} more rejected; --format json lists them)",
                           r.rejected.size() - kShown));
  }
  return 0;
}

int question_top(const std::vector<std::string>& args) {
  Output out;
  std::string kernel, shape, device, dtype;
  std::size_t limit = 10;
  po::options_description options("Options");
  options.add_options()("kernel", po::value(&kernel), "kernel family or imported kernel")(
      "shape", po::value(&shape), "problem shape, e.g. 1024x1024x1024, or NAME=SIZE,...")(
      "device", po::value(&device),
      "only this stored device (id, name text, or name=,driver=,...)")(
      "dtype", po::value(&dtype)->default_value("f32"), "data type")(
      "limit", po::value(&limit)->default_value(10), "how many (0: all)");
  out.add_to(options);
  add_help(options);
  auto vm = parse("query top", "ktune query top --kernel K --shape S [--device D] [options]",
                  options, args);
  if (!vm) return 0;
  require(kernel, "--kernel", "top", "--kernel matmul");
  require(shape, "--shape", "top", "--shape 1024x1024x1024");
  out.check();
  auto store = open_results(out.db);
  const auto problem = parse_problem(store, kernel, shape, dtype);
  std::optional<std::int64_t> device_id;
  if (!device.empty()) device_id = resolve_device(store, device).id;
  const auto list = db::top_configurations(store, kernel, problem, device_id, limit);
  const auto flops = family_flops(kernel, problem);

  std::vector<std::vector<std::string>> rows;
  json doc = json::array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& m = list[i];
    std::optional<double> gflops;
    if (flops && m.median_ms && *m.median_ms > 0) gflops = *flops / (*m.median_ms * 1e-3) / 1e9;
    rows.push_back({std::to_string(i + 1), m.config, number(m.median_ms),
                    ci_text(m.ci_low_ms, m.ci_high_ms), std::to_string(m.runs), number(gflops, 2),
                    m.device, std::to_string(m.session), m.created_at});
    doc.push_back({{"rank", i + 1},
                   {"config", m.config},
                   {"median_ms", optional_json(m.median_ms)},
                   {"ci_ms", {optional_json(m.ci_low_ms), optional_json(m.ci_high_ms)}},
                   {"runs", m.runs},
                   {"gflops", optional_json(gflops)},
                   {"device", m.device},
                   {"device_id", m.device_id},
                   {"session", m.session},
                   {"measurement", m.id},
                   {"measured_at", m.created_at}});
  }
  if (list.empty() && out.format == Format::table) {
    std::cout << fmt::format(
        "no correct measurement of {} for {}{} (ktune query best finds the nearest tuned "
        "shape)\n",
        kernel, problem.canonical(), device.empty() ? "" : " on that device");
    return 0;
  }
  print_rows(out.format,
             {"rank", "configuration", "median ms", "95% CI ms", "runs", "GFLOP/s", "device",
              "session", "measured at"},
             rows, doc);
  return 0;
}

int question_history(const std::vector<std::string>& args) {
  Output out;
  std::string kernel, config, shape, device, dtype;
  po::options_description options("Options");
  options.add_options()("kernel", po::value(&kernel), "kernel family or imported kernel")(
      "config", po::value(&config),
      "the configuration: NAME=VALUE,... (all of them, or some: TS=16 matches every "
      "configuration with TS=16)")("shape", po::value(&shape), "only this problem shape")(
      "device", po::value(&device), "only this stored device")(
      "dtype", po::value(&dtype)->default_value("f32"), "data type (with --shape)");
  out.add_to(options);
  add_help(options);
  auto vm = parse("query history",
                  "ktune query history --kernel K --config C [--shape S] [options]", options, args);
  if (!vm) return 0;
  require(kernel, "--kernel", "history", "--kernel matmul");
  require(config, "--config", "history", "--config TS=16,WPT=4");
  out.check();
  auto store = open_results(out.db);
  const auto configurations = db::matching_configurations(store, kernel, config);
  if (configurations.empty())
    throw UsageError(fmt::format(
        "--config {}: no stored configuration of kernel '{}' has these values (see ktune query "
        "top)",
        config, kernel));
  std::optional<Problem> problem;
  if (!shape.empty()) problem = parse_problem(store, kernel, shape, dtype);
  std::optional<std::int64_t> device_id;
  if (!device.empty()) device_id = resolve_device(store, device).id;
  const auto list = db::configuration_history(store, configurations, problem, device_id);

  std::vector<std::vector<std::string>> rows;
  json doc = json::array();
  for (const auto& m : list) {
    rows.push_back({m.created_at, std::to_string(m.session), m.device, m.problem, m.config,
                    m.outcome, number(m.median_ms), ci_text(m.ci_low_ms, m.ci_high_ms),
                    std::to_string(m.runs), m.message});
    doc.push_back({{"measured_at", m.created_at},
                   {"session", m.session},
                   {"device", m.device},
                   {"driver_version", m.driver_version},
                   {"runtime_version", m.runtime_version},
                   {"problem", m.problem},
                   {"config", m.config},
                   {"outcome", m.outcome},
                   {"median_ms", optional_json(m.median_ms)},
                   {"ci_ms", {optional_json(m.ci_low_ms), optional_json(m.ci_high_ms)}},
                   {"runs", m.runs},
                   {"message", m.message},
                   {"measurement", m.id}});
  }
  print_rows(out.format,
             {"measured at", "session", "device", "shape", "configuration", "outcome", "median ms",
              "95% CI ms", "runs", "message"},
             rows, doc);
  return 0;
}

int question_sessions(const std::vector<std::string>& args) {
  Output out;
  std::string kernel, device;
  std::size_t limit = 0;
  po::options_description options("Options");
  options.add_options()("kernel", po::value(&kernel), "only this kernel")(
      "device", po::value(&device), "only this stored device")(
      "limit", po::value(&limit)->default_value(0), "only the most recent N (0: all)");
  out.add_to(options);
  add_help(options);
  auto vm = parse("query sessions", "ktune query sessions [--kernel K] [--device D] [options]",
                  options, args);
  if (!vm) return 0;
  out.check();
  auto store = open_results(out.db);
  db::SessionFilter filter{kernel, std::nullopt, limit};
  if (!device.empty()) filter.device = resolve_device(store, device).id;
  std::vector<std::vector<std::string>> rows;
  json doc = json::array();
  for (const auto& s : db::session_summaries(store, filter)) {
    const auto& x = s.session;
    rows.push_back({std::to_string(x.id), x.started_at, x.status, x.origin, x.family, x.problem,
                    x.device_name, x.strategy, std::to_string(s.measurements),
                    std::to_string(s.correct), number(s.best_ms), s.best_config});
    json budget{{"evaluations", x.budget_evaluations ? json(*x.budget_evaluations) : json()},
                {"seconds", optional_json(x.budget_seconds)}};
    doc.push_back({{"id", x.id},
                   {"uid", x.uid},
                   {"started_at", x.started_at},
                   {"ended_at", x.ended_at.empty() ? json() : json(x.ended_at)},
                   {"status", x.status},
                   {"origin", x.origin},
                   {"source", x.source},
                   {"kernel", x.family},
                   {"variant", x.variant},
                   {"source_hash", x.source_hash},
                   {"problem", x.problem},
                   {"dtype", x.dtype},
                   {"device", x.device_name},
                   {"device_id", x.device_id},
                   {"backend", x.backend},
                   {"strategy", x.strategy},
                   {"seed", x.seed},
                   {"budget", budget},
                   {"space_size", x.space_size ? json(*x.space_size) : json()},
                   {"settings", x.settings},
                   {"command", x.command},
                   {"host", x.host},
                   {"tool_version", x.tool_version},
                   {"measurements", s.measurements},
                   {"correct", s.correct},
                   {"best_ms", optional_json(s.best_ms)},
                   {"best_config", s.best_config}});
  }
  print_rows(out.format,
             {"id", "started", "status", "origin", "kernel", "shape", "device", "strategy",
              "evaluated", "correct", "best ms", "best configuration"},
             rows, doc);
  return 0;
}

int question_devices(const std::vector<std::string>& args) {
  Output out;
  po::options_description options("Options");
  out.add_to(options);
  add_help(options);
  auto vm = parse("query devices", "ktune query devices [--db FILE] [--format F]", options, args);
  if (!vm) return 0;
  out.check();
  auto store = open_results(out.db);
  std::vector<std::vector<std::string>> rows;
  json doc = json::array();
  auto known = [](auto value) { return value ? json(value) : json(); };
  for (const auto& d : db::devices(store)) {
    const auto& i = d.info;
    rows.push_back({std::to_string(d.id), i.backend, i.name, i.architecture,
                    i.compute_units ? std::to_string(i.compute_units) : "",
                    i.global_memory_bytes ? fmt::format("{} MiB", i.global_memory_bytes >> 20) : "",
                    i.driver_version, i.runtime_version, std::to_string(d.sessions),
                    std::to_string(d.measurements)});
    doc.push_back({{"id", d.id},
                   {"fingerprint", d.fingerprint},
                   {"backend", i.backend},
                   {"name", i.name},
                   {"vendor", i.vendor},
                   {"architecture", i.architecture},
                   {"compute_units", known(i.compute_units)},
                   {"global_memory_bytes", known(i.global_memory_bytes)},
                   {"l2_bytes", known(i.l2_bytes)},
                   {"shared_memory_per_block", known(i.shared_memory_per_block)},
                   {"max_threads_per_block", known(i.max_threads_per_block)},
                   {"clock_mhz", known(i.clock_mhz)},
                   {"peak_bandwidth_gbs", known(i.peak_bandwidth_gbs)},
                   {"peak_gflops_fp32", known(i.peak_gflops_fp32)},
                   {"driver_version", i.driver_version},
                   {"runtime_version", i.runtime_version},
                   {"first_seen", d.first_seen},
                   {"sessions", d.sessions},
                   {"measurements", d.measurements}});
  }
  print_rows(out.format,
             {"id", "backend", "name", "arch", "units", "memory", "driver", "runtime", "sessions",
              "measurements"},
             rows, doc);
  return 0;
}

int question_compare(const std::vector<std::string>& args) {
  Output out;
  std::string kernel;
  std::vector<std::string> selectors;
  po::options_description options("Options");
  options.add_options()("kernel", po::value(&kernel), "kernel family or imported kernel")(
      "device", po::value(&selectors)->composing(),
      "a stored device, given twice: A then B (id, name text, or name=,driver=,runtime=,...: "
      "one GPU under two drivers is two devices)");
  out.add_to(options);
  add_help(options);
  auto vm = parse("query compare", "ktune query compare --kernel K --device A --device B [options]",
                  options, args);
  if (!vm) return 0;
  require(kernel, "--kernel", "compare", "--kernel matmul");
  if (selectors.size() != 2)
    throw UsageError(
        fmt::format("ktune query compare: --device must be given twice (A, then B), not {} time(s)",
                    selectors.size()));
  out.check();
  auto store = open_results(out.db);
  const auto a = resolve_device(store, selectors[0]);
  const auto b = resolve_device(store, selectors[1]);
  if (a.id == b.id)
    throw UsageError(
        fmt::format("ktune query compare: both --device select device {} ({})", a.id, a.info.name));
  const auto list = db::compare_devices(store, kernel, a.id, b.id);

  std::vector<std::vector<std::string>> rows;
  json problems = json::array();
  double log_sum = 0;
  for (const auto& c : list) {
    const double speedup = c.a_ms / c.b_ms;
    log_sum += std::log(speedup);
    std::optional<double> same;
    if (c.common_ratio) same = 1.0 / *c.common_ratio;
    rows.push_back({c.problem, c.a_config, number(c.a_ms), c.b_config, number(c.b_ms),
                    fmt::format("{:.3f}", speedup), std::to_string(c.common_configs),
                    number(same, 3)});
    problems.push_back({{"problem", c.problem},
                        {"dtype", c.dtype},
                        {"a", {{"config", c.a_config}, {"median_ms", c.a_ms}}},
                        {"b", {{"config", c.b_config}, {"median_ms", c.b_ms}}},
                        {"speedup_b_over_a", speedup},
                        {"common_configs", c.common_configs},
                        {"same_config_speedup_b_over_a", optional_json(same)}});
  }
  std::optional<double> geomean;
  if (!list.empty()) geomean = std::exp(log_sum / static_cast<double>(list.size()));
  auto device_json = [](const db::StoredDevice& d) {
    return json{{"id", d.id},
                {"name", d.info.name},
                {"architecture", d.info.architecture},
                {"driver_version", d.info.driver_version},
                {"runtime_version", d.info.runtime_version}};
  };
  json doc{{"kernel", kernel},
           {"a", device_json(a)},
           {"b", device_json(b)},
           {"problems", problems},
           {"geomean_speedup_b_over_a", optional_json(geomean)}};
  if (out.format == Format::table) {
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
  print_rows(out.format,
             {"shape", "best on A", "A ms", "best on B", "B ms", "B speed-up", "common configs",
              "same-config speed-up"},
             rows, doc);
  if (out.format == Format::table)
    std::cout << fmt::format(
        "B is {:.3f}x as fast as A on its best configuration (geometric mean over {} common "
        "problem(s))\n",
        *geomean, list.size());
  return 0;
}

struct Question {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>&);
};

const Question kQuestions[] = {
    {"best", "the configuration to run for a kernel, shape and device, and why", question_best},
    {"top", "the fastest configurations measured for a shape", question_top},
    {"history", "a configuration's measurements over time", question_history},
    {"sessions", "tuning sessions and imports, with their best result", question_sessions},
    {"devices", "the devices results were measured on", question_devices},
    {"compare", "two devices (or driver/toolkit versions) on their common problems",
     question_compare},
};

std::string question_names() {
  std::string names;
  for (const auto& q : kQuestions)
    names += (names.empty() ? "" : ", ") + std::string(q.name);
  return names;
}

}  // namespace

int run_query(const std::vector<std::string>& args) {
  if (args.empty())
    throw UsageError(
        fmt::format("ktune query: which question? ({}; see ktune query --help)", question_names()));
  const std::string& name = args.front();
  if (name == "--help" || name == "-h") {
    std::cout << "Usage: ktune query <question> [options]\n       ktune query <question> --help\n\n"
                 "Questions:\n";
    for (const auto& q : kQuestions)
      std::cout << fmt::format("  {:<10}{}\n", q.name, q.summary);
    std::cout << "\nEvery question takes --db FILE and --format table|csv|json.\n";
    return 0;
  }
  for (const auto& q : kQuestions)
    if (name == q.name) return q.run({args.begin() + 1, args.end()});
  throw UsageError(
      fmt::format("ktune query: unknown question '{}' (accepted: {})", name, question_names()));
}

}  // namespace ktune::cli
