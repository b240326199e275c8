// ktune profile <kernel> --shape S --config "K=V,...": one variant, the full report. Compiles,
// verifies and times it like `tune`, then collects hardware counters in a separate run (CUDA:
// CUPTI range profiler), times the CPU baseline, and derives what the numbers mean: achieved
// FLOP/s and DRAM bandwidth against the device's peaks, achieved against theoretical occupancy,
// the roofline position, the speed-up over the CPU. On a backend without counters (OpenCL) it
// reports time and the analytic metrics and says what counters would need.
#include <cmath>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/table.hpp"
#include "core/error.hpp"
#include "db/paths.hpp"
#include "db/store.hpp"
#include "kernels/family.hpp"
#include "profiles/backends.hpp"
#include "profiles/kernel_evaluator.hpp"
#include "profiles/metrics/metric_list.hpp"
#include "profiles/metrics/names.hpp"

namespace ktune::cli {
namespace {

namespace names = ktune::profiles::metrics;
using profiles::metrics::metric_value;

struct ProfileOptions {
  std::string kernel, shape, config, backend, db, format = "table", timer = "events";
  int device = -1;
  std::uint64_t seed = 1;
  bool flops = false, no_baseline = false, no_store = false;
  int baseline_threads = 0;
  std::vector<std::string> metrics;
  profiles::MeasureOptions measure;
};

struct Baseline {
  kernels::BaselineResult result;
  bool ran = false;
  std::string why_not;
};

Baseline run_baseline(const kernels::Family& family, const Problem& problem,
                      const ProfileOptions& o) {
  Baseline b;
  if (o.no_baseline) {
    b.why_not = "skipped (--no-baseline)";
    return b;
  }
  if (family.baseline_methods().empty()) {
    b.why_not = fmt::format("{} has no CPU baseline", family.name());
    return b;
  }
  kernels::BaselineOptions options;
  options.threads = o.baseline_threads;
  options.seed = o.seed;
  options.max_seconds = 3.0;
  auto results = family.cpu_baseline(problem, options);
  if (results.empty() || results.front().time.count == 0) {
    b.why_not = "the CPU baseline did not run";
    return b;
  }
  b.result = std::move(results.front());
  b.ran = true;
  return b;
}

std::string si(double value, std::string_view unit) {
  const char* prefixes[] = {"", "k", "M", "G", "T", "P"};
  int i = 0;
  while (std::fabs(value) >= 1000 && i < 5) {
    value /= 1000;
    ++i;
  }
  return fmt::format("{:.3g} {}{}", value, prefixes[i], unit);
}

std::string source_of(const std::vector<Metric>& metrics, std::string_view name) {
  const Metric* m = profiles::metrics::find_metric(metrics, name);
  if (!m) return "";
  return m->source == MetricSource::measured ? "counted" : "analytic";
}

// Labelled lines, the labels aligned.
class Report {
 public:
  void add(std::pair<std::string, std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& out) const {
    for (const auto& [label, text] : rows_)
      out << fmt::format("{:<14}{}\n", label, text);
  }

 private:
  std::vector<std::pair<std::string, std::string>> rows_;
};

std::string value_text(const Metric& m) {
  if (m.unit == "bool") return m.value != 0 ? "yes" : "no";
  return fmt::format("{:.4g}", m.value);
}

void print_table(const ProfileOptions& o, const kernels::Family& family, const Problem& problem,
                 const DeviceInfo& device, const std::string& config_text, const Evaluation& e,
                 const std::string& counters_problem, const Baseline& baseline,
                 std::optional<std::int64_t> session, const std::string& db_path) {
  const auto& m = e.metrics;
  auto value = [&](std::string_view name) { return metric_value(m, name); };
  std::cout << fmt::format("{} {} on {} ({} #{})\n", family.name(), problem.canonical(),
                           device.name, device.backend, device.index);
  Report report;
  std::string verdict = std::string(to_string(e.outcome));
  if (e.max_error && std::isfinite(*e.max_error))
    verdict += fmt::format(", max error {:.2g}", *e.max_error);
  report.add({"configuration", fmt::format("{} ({})", config_text, verdict)});
  if (!e.ok()) {
    report.add({"why", e.message});
    report.print(std::cout);
    return;
  }
  report.add({"time", fmt::format("{:.4f} ms median, 95% CI {:.4f}-{:.4f} ms, {} runs ({} timer)",
                                  e.time.median, e.time.ci_low, e.time.ci_high, e.samples_ms.size(),
                                  o.timer)});
  if (auto flops = value(names::kFlopCount)) {
    std::string line = fmt::format("{} ({})", si(*flops, "FLOP"), source_of(m, names::kFlopCount));
    if (auto gflops = value(names::kGflops)) {
      line += fmt::format(", {:.1f} GFLOP/s", *gflops);
      if (auto pct = value(names::kGflopsPctOfPeak))
        line += fmt::format(" = {:.1f}% of the {:.0f} GFLOP/s peak", *pct, device.peak_gflops_fp32);
    }
    report.add({"compute", line});
  }
  if (auto bytes = value(names::kDramBytes)) {
    std::string line = fmt::format("{} ({})", si(*bytes, "B"), source_of(m, names::kDramBytes));
    auto read = value(names::kDramBytesRead);
    auto write = value(names::kDramBytesWrite);
    if (read && write)
      line += fmt::format(": {} read, {} written", si(*read, "B"), si(*write, "B"));
    if (auto gbs = value(names::kDramGbs)) {
      line += fmt::format(", {:.1f} GB/s", *gbs);
      if (auto pct = value(names::kDramPctOfPeak))
        line += fmt::format(" = {:.1f}% of the {:.0f} GB/s peak", *pct, device.peak_bandwidth_gbs);
    }
    report.add({"DRAM", line});
  }
  {
    auto achieved = value(names::kAchievedOccupancyPct);
    auto theoretical = value(names::kTheoreticalOccupancyPct);
    std::string line;
    if (achieved) line = fmt::format("achieved {:.1f}%", *achieved);
    if (theoretical) {
      line += fmt::format("{}theoretical {:.1f}%", line.empty() ? "" : " of ", *theoretical);
      if (!e.resources.occupancy_limiter.empty())
        line += fmt::format(" (limited by {})", e.resources.occupancy_limiter);
    }
    if (!line.empty()) report.add({"occupancy", line});
  }
  if (auto ai = value(names::kArithmeticIntensity)) {
    std::string line = fmt::format("{:.2f} FLOP/byte", *ai);
    if (auto bound = value(names::kMemoryBound)) {
      line += fmt::format(", {}-bound (ridge at {:.1f} FLOP/byte)", *bound ? "memory" : "compute",
                          device.peak_gflops_fp32 / device.peak_bandwidth_gbs);
      if (auto roof = value(names::kRooflineGflops))
        line += fmt::format(", roof {:.0f} GFLOP/s", *roof);
      if (auto pct = value(names::kRooflinePct)) line += fmt::format(", reached {:.1f}%", *pct);
    } else {
      line += " (device peaks unknown: no roofline)";
    }
    report.add({"roofline", line});
  }
  if (baseline.ran) {
    std::string line =
        fmt::format("{} {:.3f} ms ({}, {} threads, {:.1f} GFLOP/s)", baseline.result.method,
                    baseline.result.time.median, baseline.result.library, baseline.result.threads,
                    baseline.result.gflops);
    if (auto s = value(names::kSpeedupVsCpu))
      line += fmt::format(": speed-up {:.2f}x{}", *s, *s < 1 ? " (the CPU is faster)" : "");
    report.add({"vs CPU", line});
  } else {
    report.add({"vs CPU", baseline.why_not});
  }
  report.add({"counters", counters_problem.empty() ? "collected in a separate run after timing"
                                                   : counters_problem});
  report.print(std::cout);

  std::cout << '\n';
  Table all({"metric", "value", "unit", "source"});
  for (const auto& metric : m)
    all.add({metric.name, value_text(metric), metric.unit,
             metric.source == MetricSource::measured ? "measured" : "derived"});
  all.print(std::cout);
  if (session) std::cout << fmt::format("stored as session {} in {}\n", *session, db_path);
}

void print_json(const ProfileOptions& o, const kernels::Family& family, const Problem& problem,
                const DeviceInfo& device, const std::string& config_text, const Evaluation& e,
                const std::string& counters_problem, const Baseline& baseline,
                std::optional<std::int64_t> session, const std::string& db_path) {
  nlohmann::json metrics = nlohmann::json::array();
  for (const auto& m : e.metrics)
    metrics.push_back({{"name", m.name},
                       {"value", m.value},
                       {"unit", m.unit},
                       {"source", m.source == MetricSource::measured ? "measured" : "derived"}});
  auto optional = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  nlohmann::json doc{
      {"kernel", family.name()},
      {"problem", problem.canonical()},
      {"backend", device.backend},
      {"device", device.name},
      {"config", config_text},
      {"outcome", to_string(e.outcome)},
      {"message", e.message},
      {"time_ms", e.time.count ? nlohmann::json{{"median", e.time.median},
                                                {"ci_low", e.time.ci_low},
                                                {"ci_high", e.time.ci_high},
                                                {"runs", e.samples_ms.size()},
                                                {"timer", o.timer}}
                               : nlohmann::json()},
      {"max_error", e.max_error && std::isfinite(*e.max_error) ? nlohmann::json(*e.max_error)
                                                               : nlohmann::json()},
      {"resources",
       {{"registers", optional(e.resources.registers)},
        {"shared_bytes", optional(e.resources.shared_bytes)},
        {"spill_store_bytes", optional(e.resources.spill_store_bytes)},
        {"spill_load_bytes", optional(e.resources.spill_load_bytes)},
        {"theoretical_occupancy", optional(e.resources.theoretical_occupancy)},
        {"occupancy_limiter", e.resources.occupancy_limiter}}},
      {"metrics", metrics},
      {"counters_problem",
       counters_problem.empty() ? nlohmann::json() : nlohmann::json(counters_problem)},
      {"cpu_baseline", baseline.ran ? nlohmann::json{{"method", baseline.result.method},
                                                     {"library", baseline.result.library},
                                                     {"threads", baseline.result.threads},
                                                     {"median_ms", baseline.result.time.median}}
                                    : nlohmann::json{{"skipped", baseline.why_not}}},
      {"session", optional(session)},
      {"database", session ? nlohmann::json(db_path) : nlohmann::json()}};
  std::cout << doc.dump(2) << '\n';
}

}  // namespace

int run_profile(const std::vector<std::string>& args) {
  ProfileOptions o;
  o.measure.target_relative_ci = 0.02;
  po::options_description options("Options");
  options.add_options()("kernel", po::value(&o.kernel), "kernel family (matmul, conv2d)")(
      "shape", po::value(&o.shape), "problem shape (default: the family's)")(
      "config", po::value(&o.config),
      "the variant, \"P=V,P=V\"; parameters left out take their defaults")(
      "backend", po::value(&o.backend),
      "cuda or opencl (default: CUDA if it has a device, else OpenCL)")(
      "device", po::value(&o.device), "device index within the backend (see ktune devices)")(
      "flops", po::bool_switch(&o.flops),
      "count FP instructions too (CUDA: one more profiled pass)")(
      "metric", po::value(&o.metrics)->composing(),
      "also collect this CUPTI metric (repeatable; see ktune metrics --chip C --all)")(
      "timer", po::value(&o.timer)->default_value("events"),
      "events (CUDA/OpenCL events) or cupti (CUDA: kernel timestamps from the Activity API)")(
      "no-baseline", po::bool_switch(&o.no_baseline), "skip the CPU baseline")(
      "baseline-threads", po::value(&o.baseline_threads)->default_value(0),
      "threads of the CPU baseline (0: all)")(
      "db", po::value(&o.db),
      "results database (default: $KTUNE_DB, else $XDG_DATA_HOME/ktune/ktune.db)")(
      "no-store", po::bool_switch(&o.no_store), "do not store the measurement")(
      "format", po::value(&o.format)->default_value("table"), "table or json")(
      "seed", po::value(&o.seed)->default_value(1), "random seed of the inputs")(
      "min-runs", po::value(&o.measure.min_runs)->default_value(10), "timed runs, at least")(
      "max-runs", po::value(&o.measure.max_runs)->default_value(200), "timed runs, at most")(
      "target-ci", po::value(&o.measure.target_relative_ci)->default_value(0.02),
      "stop repeating when the 95% CI of the median is this narrow (relative)")(
      "timeout", po::value(&o.measure.timeout_ms)->default_value(10000),
      "a run over this many ms is a timeout");
  add_help(options);
  po::positional_options_description positional;
  positional.add("kernel", 1);
  auto vm = parse("profile",
                  "ktune profile <kernel> [--shape S] [--config \"P=V,...\"] [--backend B] "
                  "[--device N] [--flops] [--metric NAME]... [--timer events|cupti] [options]",
                  options, args, &positional);
  if (!vm) return 0;
  if (o.kernel.empty())
    throw UsageError(
        "ktune profile: which kernel? (e.g. ktune profile matmul --config TS=16; see ktune "
        "profile --help)");
  const Format format = parse_format(o.format, {Format::table, Format::json});
  if (o.timer != "events" && o.timer != "cupti")
    throw UsageError(fmt::format("--timer {}: unknown timer (accepted: events, cupti)", o.timer));
  if (o.measure.min_runs < 1 || o.measure.max_runs < o.measure.min_runs)
    throw UsageError("--min-runs/--max-runs: need 1 <= min-runs <= max-runs");
  if (!(o.measure.timeout_ms > 0))
    throw UsageError("--timeout: must be a positive number of milliseconds");
  if (o.baseline_threads < 0) throw UsageError("--baseline-threads: must be 0 (all) or more");

  const auto& family = kernels::find_family(o.kernel);
  const Problem problem = o.shape.empty() ? family.default_problem() : family.parse_shape(o.shape);
  auto selection = profiles::select_device(o.backend, o.device);
  profiles::check_fits(family, problem, selection.device);
  const Space space = family.space(problem, selection.device);
  const Config config = o.config.empty() ? space.default_config() : space.parse_config(o.config);
  if (auto why = space.violation(config))
    throw UsageError(fmt::format("--config {}: {}", space.canonical(config), *why));
  const std::string config_text = space.canonical(config);

  auto device = selection.backend->open(selection.device.index);
  if (auto warning = device->set_timer(o.timer); !warning.empty())
    std::cerr << "ktune: warning: " << warning << '\n';

  // The CPU baseline runs before the device work so that neither disturbs the other's timing.
  const Baseline baseline = run_baseline(family, problem, o);

  o.measure.seed = o.seed;
  o.measure.profile = true;
  o.measure.counters = {o.flops, o.metrics};
  if (baseline.ran) o.measure.cpu_baseline_ms = baseline.result.time.median;
  profiles::KernelEvaluator evaluator(family, problem, space, *device, o.measure);
  const Evaluation evaluation = evaluator.evaluate(config);
  const std::string counters_problem = device->counters_problem();
  if (!counters_problem.empty() && device->info().backend == "cuda")
    std::cerr << "ktune: warning: " << counters_problem << '\n';

  std::optional<std::int64_t> session;
  std::string db_path;
  if (!o.no_store) {
    const auto path = db::database_path(o.db);
    db_path = path.string();
    auto store = db::Store::open(path, db::is_default_location(o.db));
    db::SessionRecord record;
    record.family = family.name();
    record.problem = problem;
    record.device = device->info();
    record.strategy = "profile";
    record.seed = o.seed;
    record.tool_version = KTUNE_VERSION;
    session = store.begin_session(record);
    store.record(*session, config_text, evaluation);
    store.end_session(*session, "completed");
  }

  if (format == Format::json)
    print_json(o, family, problem, device->info(), config_text, evaluation, counters_problem,
               baseline, session, db_path);
  else
    print_table(o, family, problem, device->info(), config_text, evaluation, counters_problem,
                baseline, session, db_path);
  return evaluation.ok() ? 0 : 1;
}

}  // namespace ktune::cli
