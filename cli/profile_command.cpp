// ktune profile <kernel> --shape S --config "K=V,...": one variant, the full report. Compiles,
// verifies and times it like `tune`, then collects hardware counters in a separate run (CUDA:
// CUPTI range profiler), times the CPU baseline, and derives what the numbers mean: achieved
// FLOP/s and DRAM bandwidth against the device's peaks, achieved against theoretical occupancy,
// the roofline position, the speed-up over the CPU. On a backend without counters (OpenCL) it
// reports time and the analytic metrics and says what counters would need.
#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/kernel_evaluation.hpp"
#include "cli/option_groups.hpp"
#include "core/error.hpp"
#include "core/utf8.hpp"
#include "db/session_recorder.hpp"
#include "kernels/family.hpp"
#include "profiles/backends.hpp"
#include "profiles/kernel_evaluator.hpp"
#include "profiles/metrics/metric_list.hpp"
#include "profiles/metrics/names.hpp"
#include "space/config_json.hpp"

namespace ktune::cli {
namespace {

namespace names = ktune::profiles::metrics;
using profiles::metrics::metric_value;

struct ProfileOptions {
  std::string config;
  std::uint64_t seed = 1;
  bool flops = false, no_baseline = false, no_store = false;
  int baseline_threads = 0;
  std::vector<std::string> metrics;
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

void print_table(const std::string& timer, const kernels::Family& family, const Problem& problem,
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
                                  timer)});
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
  Json metrics = Json::array();
  for (const auto& metric : m) {
    Json row = metric;
    row["text"] = value_text(metric);
    metrics.push_back(std::move(row));
  }
  static const Columns kMetricColumns{
      {"name", "metric"}, {"text", "value"}, {"unit", "unit"}, {"source", "source"}};
  print_table(std::cout, kMetricColumns, metrics);
  if (session) std::cout << fmt::format("stored as session {} in {}\n", *session, db_path);
}

Json profile_json(const std::string& timer, const kernels::Family& family, const Problem& problem,
                  const DeviceInfo& device, const Space& space, const Config& config,
                  const Evaluation& e, const std::string& counters_problem,
                  const Baseline& baseline, std::optional<std::int64_t> session,
                  const std::string& db_path) {
  Json doc{{"kernel", family.name()},
           {"problem", problem.canonical()},
           {"device", device},
           {"config", space.canonical(config)},
           {"params", params_json(space, config)}};
  merge_into(doc, Json(e));
  doc["timer"] = timer;
  doc["counters_problem"] = counters_problem.empty() ? Json(nullptr) : Json(counters_problem);
  doc["cpu_baseline"] = baseline.ran ? Json(baseline.result) : Json(nullptr);
  doc["cpu_baseline_skipped"] = baseline.ran ? Json(nullptr) : Json(baseline.why_not);
  doc["session"] = optional_json(session);
  doc["database"] = session ? Json(db_path) : Json(nullptr);
  return doc;
}

}  // namespace

int run_profile(const std::vector<std::string>& args) {
  CommandLine line("ktune profile",
                   "ktune profile <kernel> [--shape S] [--config \"P=V,...\"] [--backend B] "
                   "[--device N] [--flops] [--metric NAME]... [--timer events|cupti] [options]");
  ProfileOptions o;
  TargetOptions target;
  profiles::MeasureOptions defaults;
  defaults.min_runs = 10;
  defaults.max_runs = 200;
  defaults.target_relative_ci = 0.02;
  MeasurementOptions measurement(defaults);
  DatabaseOption database;
  FormatOption output({Format::table, Format::json});
  line.add(target);
  line.options()("config", text_value(&o.config, "--config"),
                 "the variant, \"P=V,P=V\"; parameters left out take their defaults")(
      "flops", po::bool_switch(&o.flops),
      "count FP instructions too (CUDA: one more profiled pass)")(
      "metric", po::value(&o.metrics)->composing(),
      "also collect this CUPTI metric (repeatable; see ktune metrics --chip C --all)")(
      "no-baseline", po::bool_switch(&o.no_baseline), "skip the CPU baseline")(
      "baseline-threads", integer_value(&o.baseline_threads, "--baseline-threads", 0),
      "threads of the CPU baseline (0: all)")("no-store", po::bool_switch(&o.no_store),
                                              "do not store the measurement")(
      "seed", seed_value(&o.seed, "--seed"), "random seed of the inputs");
  line.add(measurement);
  line.add(database);
  line.add(output);
  line.positional("kernel");
  if (!line.parse(args)) return 0;
  auto t = resolve_kernel(target);
  const auto& family = *t.family;
  const Config config =
      o.config.empty() ? t.space.default_config()
                       : for_option("--config", [&] { return t.space.parse_config(o.config); });
  if (auto why = t.space.violation(config))
    throw UsageError(fmt::format("--config {}: {}", t.space.canonical(config), *why));

  for (const auto& name : o.metrics)
    if (name.empty() || name.size() > 256 ||
        name.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") !=
            std::string::npos)
      throw UsageError(fmt::format(
          "--metric {}: not a metric name (accepted: CUPTI names such as "
          "sm__throughput.avg.pct_of_peak_sustained_elapsed; see ktune metrics --chip C --all)",
          printable(name)));
  if (!o.metrics.empty() && t.selection.device.backend != "cuda")
    throw UsageError(fmt::format(
        "--metric {}: the {} backend has no hardware counters (accepted with --backend cuda)",
        printable(o.metrics.front()), t.selection.device.backend));

  // The CPU baseline runs before the device work so that neither disturbs the other's timing
  // (the device opens after it, here or in the worker).
  const Baseline baseline = run_baseline(family, t.problem, o);

  auto measure = measurement.measure;
  measure.seed = o.seed;
  measure.profile = true;
  measure.counters = {o.flops, o.metrics};
  if (baseline.ran) measure.cpu_baseline_ms = baseline.result.time.median;
  auto opened = open_kernel_evaluation(family, t.problem, t.selection, t.selection.device.index,
                                       t.space, nullptr, measurement, measure);
  if (!opened.timer_warning.empty())
    std::cerr << "ktune: warning: " << opened.timer_warning << '\n';
  const DeviceInfo& device = opened.info;
  const Evaluation evaluation = opened.evaluator->evaluate(config);
  const std::string counters_problem = opened.evaluator->counters_problem();
  if (!counters_problem.empty() && device.backend == "cuda")
    std::cerr << "ktune: warning: " << counters_problem << '\n';

  std::optional<std::int64_t> session;
  std::string db_path;
  if (!o.no_store) {
    auto store = open_for_writing(database);
    db_path = store.path();
    db::SessionRecorder recorder(store);
    if (baseline.ran)
      recorder.set_baseline(db::CpuBaseline{
          fmt::format("{}, {} threads", baseline.result.method, baseline.result.threads),
          baseline.result.time.median});
    tuner::SessionPlan plan;
    plan.kernel = family.name();
    plan.problem = t.problem;
    plan.device = device;
    plan.strategy = "profile";
    plan.seed = o.seed;
    plan.space_size = 1;
    plan.tool_version = KTUNE_VERSION;
    recorder.session_begun(plan);
    recorder.evaluation_recorded(t.space, config, evaluation, 0);
    recorder.session_ended(SessionStatus::completed, std::nullopt);  // one configuration: no search
    session = recorder.session();
  }

  if (output.format == Format::json)
    print_json(std::cout,
               profile_json(measurement.timer, family, t.problem, device, t.space, config,
                            evaluation, counters_problem, baseline, session, db_path));
  else
    print_table(measurement.timer, family, t.problem, device, t.space.canonical(config), evaluation,
                counters_problem, baseline, session, db_path);
  return evaluation.ok() ? 0 : 1;
}

}  // namespace ktune::cli
