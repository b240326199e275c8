// ktune analyze <kernel>: compiles variants for a GPU architecture with NVRTC, without a GPU, and
// prints what each uses (registers, shared memory, stack, spills), the theoretical occupancy
// its launch allows and what limits it, and the problem's arithmetic intensity.
#include <algorithm>
#include <iostream>
#include <map>
#include <optional>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/table.hpp"
#include "core/error.hpp"
#include "kernels/family.hpp"
#include "profiles/analysis.hpp"
#include "profiles/prune.hpp"

namespace ktune::cli {
namespace {

struct AnalyzeOptions {
  std::string kernel, shape, arch = "sm_90", format = "table", prune;
  std::size_t limit = 0;
  std::uint64_t seed = 1;
  unsigned jobs = 0;
  bool no_cache = false;
  std::vector<std::string> sets, restricts;
};

// Every valid configuration, or a seeded sample of `limit` of them (kept in space order).
std::vector<Config> pick(const std::vector<Config>& valid, std::size_t limit, std::uint64_t seed) {
  if (limit == 0 || limit >= valid.size()) return valid;
  std::vector<std::size_t> order(valid.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  order.resize(limit);
  std::sort(order.begin(), order.end());
  std::vector<Config> picked;
  for (auto i : order)
    picked.push_back(valid[i]);
  return picked;
}

template <typename T>
nlohmann::json optional_json(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

std::string optional_text(const std::optional<int>& value) {
  return value ? std::to_string(*value) : "-";
}

// Why --prune would drop an analysed variant, if it would.
std::optional<std::string> prune_reason(const profiles::PruneRules& rules,
                                        const profiles::VariantAnalysis& v) {
  if (rules.empty() || v.outcome != Outcome::correct) return std::nullopt;
  return rules.reason(v.resources);
}

nlohmann::json variant_json(const Space& space, const profiles::VariantAnalysis& v,
                            const profiles::PruneRules& rules) {
  const auto& r = v.resources;
  nlohmann::json config = nlohmann::json::object();
  for (std::size_t i = 0; i < space.params().size(); ++i) {
    const auto& p = space.params()[i];
    if (p.kind == Param::Kind::choice)
      config[p.name] = p.format(v.config.values[i]);
    else
      config[p.name] = v.config.values[i];
  }
  return {{"config", config},
          {"canonical", space.canonical(v.config)},
          {"outcome", to_string(v.outcome)},
          {"message", v.message},
          {"threads_per_block", v.geometry.threads_per_block()},
          {"blocks", v.geometry.blocks()},
          {"dynamic_shared_bytes", v.geometry.dynamic_shared_bytes},
          {"registers", optional_json(r.registers)},
          {"shared_bytes", optional_json(r.shared_bytes)},
          {"stack_bytes", optional_json(r.stack_bytes)},
          {"spill_store_bytes", optional_json(r.spill_store_bytes)},
          {"spill_load_bytes", optional_json(r.spill_load_bytes)},
          {"const_bytes", optional_json(r.const_bytes)},
          {"occupancy", optional_json(r.theoretical_occupancy)},
          {"limiter",
           r.occupancy_limiter.empty() ? nlohmann::json() : nlohmann::json(r.occupancy_limiter)},
          {"active_blocks_per_sm", v.active_blocks_per_sm},
          {"compile_ms", v.compile_ms},
          {"cached", v.cached},
          {"pruned_by", optional_json(prune_reason(rules, v))}};
}

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text)
    quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

int run_analyze(const std::vector<std::string>& args) {
  AnalyzeOptions o;
  po::options_description options("Options");
  options.add_options()("kernel", po::value(&o.kernel), "kernel family to analyse")(
      "shape", po::value(&o.shape), "problem shape (default: the family's)")(
      "arch", po::value(&o.arch)->default_value("sm_90"),
      "GPU architecture: sm_70, sm_75, sm_80, sm_86, sm_87, sm_89, sm_90, sm_100, sm_120")(
      "limit", po::value(&o.limit),
      "analyse a seeded random sample of this many valid variants (default: all)")(
      "seed", po::value(&o.seed)->default_value(1), "seed of the sample")(
      "set", po::value(&o.sets)->composing(), "fix a parameter: --set TS=16 (repeatable)")(
      "restrict", po::value(&o.restricts)->composing(),
      "add a constraint: --restrict 'TS >= 16' (repeatable)")(
      "jobs", po::value(&o.jobs)->default_value(0), "compiler threads (0: one per core)")(
      "no-cache", po::bool_switch(&o.no_cache),
      "compile everything again instead of using the compile cache")(
      "prune", po::value(&o.prune),
      "mark the variants `ktune tune --prune` would skip: spills, occupancy<X, registers>N, "
      "stack>N, shared>N")("format", po::value(&o.format)->default_value("table"),
                           "table, json or csv");
  add_help(options);
  po::positional_options_description positional;
  positional.add("kernel", 1);
  auto vm = parse("analyze",
                  "ktune analyze <kernel> [--shape S] [--arch sm_90] [--limit N] "
                  "[--format table|json|csv]",
                  options, args, &positional);
  if (!vm) return 0;
  if (o.kernel.empty())
    throw UsageError(
        "ktune analyze: which kernel? (e.g. ktune analyze matmul --arch sm_90; see ktune analyze "
        "--help)");
  const Format format = parse_format(o.format, {Format::table, Format::json, Format::csv});
  if (vm->count("limit") && o.limit == 0) throw UsageError("--limit: must be at least 1");
  const auto rules =
      vm->count("prune") ? profiles::PruneRules::parse(o.prune) : profiles::PruneRules{};

  const auto& family = kernels::find_family(o.kernel);
  const Problem problem = o.shape.empty() ? family.default_problem() : family.parse_shape(o.shape);
  const DeviceInfo target = profiles::offline_device(o.arch);
  Space space = family.space(problem, target);
  for (const auto& s : o.sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos) throw UsageError(fmt::format("--set {}: expected NAME=VALUE", s));
    space.fix(s.substr(0, eq), s.substr(eq + 1));
  }
  for (const auto& r : o.restricts)
    space.add_constraint(r);
  const auto valid = space.enumerate();
  if (valid.empty())
    throw UsageError("no configuration satisfies the constraints (check --set and --restrict)");
  const auto configs = pick(valid, o.limit, o.seed);

  profiles::AnalysisOptions analysis;
  analysis.arch = target.architecture;
  analysis.jobs = o.jobs;
  analysis.use_cache = !o.no_cache;
  const auto report = profiles::analyze_offline(family, problem, space, configs, analysis);

  const double flops = family.flops(problem);
  const double bytes = family.min_bytes(problem);
  const double intensity = bytes > 0 ? flops / bytes : 0;
  std::size_t compiled = 0, cached = 0;
  double compile_ms = 0;
  for (const auto& v : report.variants) {
    if (v.cached) ++cached;
    if (v.compile_ms > 0) {
      ++compiled;
      compile_ms += v.compile_ms;
    }
  }

  if (format == Format::json) {
    nlohmann::json variants = nlohmann::json::array();
    for (const auto& v : report.variants)
      variants.push_back(variant_json(space, v, rules));
    nlohmann::json doc{{"kernel", family.name()},
                       {"problem", problem.canonical()},
                       {"arch", report.arch},
                       {"target", target.name},
                       {"compiler", report.compiler},
                       {"space_size", valid.size()},
                       {"analysed", report.variants.size()},
                       {"seed", o.seed},
                       {"flops", flops},
                       {"min_bytes", bytes},
                       {"arithmetic_intensity", intensity},
                       {"compiled", compiled},
                       {"cached", cached},
                       {"wall_ms", report.wall_ms},
                       {"variants", variants}};
    std::cout << doc.dump(2) << '\n';
    return 0;
  }
  if (format == Format::csv) {
    std::cout << "config,outcome,threads_per_block,dynamic_shared_bytes,registers,shared_bytes,"
                 "stack_bytes,spill_store_bytes,spill_load_bytes,const_bytes,occupancy,limiter,"
                 "active_blocks_per_sm,arithmetic_intensity,compile_ms,cached,pruned_by,message\n";
    for (const auto& v : report.variants) {
      const auto& r = v.resources;
      std::cout << fmt::format(
          "{},{},{},{},{},{},{},{},{},{},{},{},{},{:.4f},{:.2f},{},{},{}\n",
          csv_cell(space.canonical(v.config)), to_string(v.outcome), v.geometry.threads_per_block(),
          v.geometry.dynamic_shared_bytes, r.registers ? std::to_string(*r.registers) : "",
          r.shared_bytes ? std::to_string(*r.shared_bytes) : "",
          r.stack_bytes ? std::to_string(*r.stack_bytes) : "",
          r.spill_store_bytes ? std::to_string(*r.spill_store_bytes) : "",
          r.spill_load_bytes ? std::to_string(*r.spill_load_bytes) : "",
          r.const_bytes ? std::to_string(*r.const_bytes) : "",
          r.theoretical_occupancy ? fmt::format("{:.4f}", *r.theoretical_occupancy) : "",
          r.occupancy_limiter, v.active_blocks_per_sm, intensity, v.compile_ms,
          v.cached ? "true" : "false", csv_cell(prune_reason(rules, v).value_or("")),
          csv_cell(v.message));
    }
    return 0;
  }

  std::cout << fmt::format("{} {} for {} ({}), {}\n", family.name(), problem.canonical(),
                           report.arch, target.name, report.compiler);
  std::cout << fmt::format(
      "{} of {} valid variants{}; arithmetic intensity {:.2f} FLOP/byte ({:.3g} GFLOP over at "
      "least {:.3g} MB)\n",
      report.variants.size(), valid.size(),
      report.variants.size() < valid.size() ? fmt::format(" (sample, seed {})", o.seed) : "",
      intensity, flops / 1e9, bytes / 1e6);
  Table table({"configuration", "threads", "regs", "smem B", "stack B", "spill st/ld B",
               "occupancy", "blocks/SM", "limiter", "compile ms", "note"});
  std::map<std::string, int> outcomes;
  int would_prune = 0;
  for (const auto& v : report.variants) {
    const auto& r = v.resources;
    ++outcomes[std::string(to_string(v.outcome))];
    const bool analysed = r.registers.has_value();
    table.add(
        {space.canonical(v.config), std::to_string(v.geometry.threads_per_block()),
         optional_text(r.registers),
         analysed ? std::to_string(r.shared_bytes.value_or(0) + v.geometry.dynamic_shared_bytes)
                  : "-",
         optional_text(r.stack_bytes),
         analysed
             ? fmt::format("{}/{}", r.spill_store_bytes.value_or(0), r.spill_load_bytes.value_or(0))
             : "-",
         r.theoretical_occupancy ? fmt::format("{:.3f}", *r.theoretical_occupancy) : "-",
         analysed ? std::to_string(v.active_blocks_per_sm) : "-",
         r.occupancy_limiter.empty() ? "-" : r.occupancy_limiter,
         v.cached ? "cached" : fmt::format("{:.1f}", v.compile_ms),
         v.outcome != Outcome::correct ? fmt::format("{}: {}", to_string(v.outcome), v.message)
                                       : prune_reason(rules, v).value_or("")});
    if (prune_reason(rules, v)) ++would_prune;
  }
  table.print(std::cout);
  std::string counts;
  for (const auto& [outcome, count] : outcomes)
    counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", count,
                          outcome == "correct" ? "analysed" : outcome);
  std::cout << fmt::format(
      "{}; compiled {} ({:.1f} s of compiler time), {} from the cache, in "
      "{:.1f} s\n",
      counts, compiled, compile_ms / 1000, cached, report.wall_ms / 1000);
  if (!rules.empty())
    std::cout << fmt::format("--prune {} would skip {} of them\n", rules.text(), would_prune);
  return 0;
}

}  // namespace ktune::cli
