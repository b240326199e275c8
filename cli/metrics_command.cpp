// ktune metrics --chip GH100: the hardware counters ktune collects on a chip, offline. Resolves
// the metric set against the chip's own metric list through the CUPTI Profiler Host API (no GPU
// needed), shows the CUPTI name behind each metric, what the chip lacks, and the pass count.
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/option_groups.hpp"
#include "core/error.hpp"
#if KTUNE_HAVE_CUPTI
#include "profiles/cuda/cupti/metric_config.hpp"
#endif

namespace ktune::cli {

#if KTUNE_HAVE_CUPTI
namespace {

namespace cupti = ktune::profiles::cuda::cupti;

std::string formula(const cupti::ResolvedMetric& m) {
  std::string out;
  for (const auto& t : m.terms) {
    if (!out.empty()) out += " + ";
    if (t.weight != 1) out += fmt::format("{:g} x ", t.weight);
    out += t.cupti_name;
  }
  return out;
}

std::string group_of(const cupti::ResolvedMetric& m) {
  for (const auto& c : cupti::counter_catalog())
    if (c.name == m.name) return c.group == cupti::MetricGroup::flops ? "flops" : "standard";
  return "extra";
}

const Columns kMetricColumns{
    {"name", "metric"},
    {"unit", "unit"},
    {"formula", "CUPTI"},
    {"description", "what"},
};

std::string passes_text(std::size_t n) {
  return fmt::format("{} pass{}", n, n == 1 ? "" : "es");
}

int print_base_metrics(const std::string& chip, Format format) {
  const auto names = cupti::chip_base_metrics(chip);
  if (format == Format::json) {
    print_json(std::cout, Json{{"chip", cupti::canonical_chip(chip)}, {"base_metrics", names}});
  } else {
    for (const auto& n : names)
      std::cout << n << '\n';
  }
  return 0;
}

}  // namespace
#endif

int run_metrics(const std::vector<std::string>& args) {
  CommandLine line("ktune metrics",
                   "ktune metrics --chip CHIP [--flops] [--metric NAME]... [--all] "
                   "[--format table|json]");
  std::string chip;
  bool flops = false, all = false;
  std::vector<std::string> extra;
  FormatOption output({Format::table, Format::json});
  line.options()("chip", text_value(&chip, "--chip"),
                 "GPU chip as CUPTI names it: GA100, GA102, AD102, GH100, GB100, GB202, ...")(
      "flops", po::bool_switch(&flops), "include the instruction-based FLOP counts (own pass)")(
      "metric", po::value(&extra)->composing(),
      "also collect this CUPTI metric, e.g. lts__t_sector_hit_rate.pct (repeatable)")(
      "all", po::bool_switch(&all), "list every base metric of the chip instead");
  line.add(output);
  if (!line.parse(args)) return 0;
  const Format format = output.format;
#if KTUNE_HAVE_CUPTI
  if (chip.empty())
    throw UsageError(fmt::format("ktune metrics: which chip? (--chip GH100; this CUPTI knows: {})",
                                 fmt::join(cupti::supported_chips(), ", ")));
  if (all) return print_base_metrics(chip, format);

  const cupti::MetricConfig config(chip, {flops, extra});
  // Both pass counts, so the cost of --flops is visible either way.
  const std::size_t standard_passes =
      !flops && extra.empty() ? config.passes() : cupti::MetricConfig(chip, {}).passes();
  const std::size_t flop_passes =
      flops && extra.empty() ? config.passes() : cupti::MetricConfig(chip, {true, {}}).passes();
  const auto& r = config.resolution();

  Json metrics = Json::array();
  for (const auto& m : r.metrics) {
    Json terms = Json::array();
    for (const auto& t : m.terms)
      terms.push_back({{"cupti", t.cupti_name}, {"weight", t.weight}});
    metrics.push_back({{"name", m.name},
                       {"unit", m.unit},
                       {"group", group_of(m)},
                       {"description", m.description},
                       {"formula", formula(m)},
                       {"terms", terms}});
  }
  if (format == Format::json) {
    Json dropped = Json::array();
    for (const auto& d : r.dropped)
      dropped.push_back({{"name", d.name}, {"reason", d.reason}});
    print_json(std::cout, Json{{"chip", config.chip()},
                               {"passes", config.passes()},
                               {"passes_standard", standard_passes},
                               {"passes_with_flops", flop_passes},
                               {"metrics", metrics},
                               {"dropped", dropped}});
    return 0;
  }
  std::cout << fmt::format("{}: {} metrics from {} CUPTI counters, {}\n", config.chip(),
                           r.metrics.size(), config.cupti_names().size(),
                           passes_text(config.passes()));
  print_table(std::cout, kMetricColumns, metrics);
  for (const auto& d : r.dropped)
    std::cout << fmt::format("not collected: {} ({})\n", d.name, d.reason);
  std::cout << fmt::format("standard set: {}; with --flops: {}\n", passes_text(standard_passes),
                           passes_text(flop_passes));
  return 0;
#else
  (void)format;
  throw Error(
      "ktune was built without the CUDA backend, so it has no CUPTI metrics (rebuild with the "
      "CUDA toolkit, -DKTUNE_CUDA=ON)");
#endif
}

}  // namespace ktune::cli
