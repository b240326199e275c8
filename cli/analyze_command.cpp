// ktune analyze <kernel>: compiles variants for a GPU architecture with NVRTC, without a GPU, and
// prints what each uses (registers, shared memory, stack, spills), the theoretical occupancy
// its launch allows and what limits it, and the problem's arithmetic intensity.
#include <algorithm>
#include <iostream>
#include <map>
#include <optional>
#include <random>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/option_groups.hpp"
#include "core/error.hpp"
#include "kernels/family.hpp"
#include "profiles/analysis.hpp"
#include "profiles/prune.hpp"

namespace ktune::cli {
namespace {

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

// Why --prune would drop an analysed variant, if it would.
std::optional<std::string> prune_reason(const profiles::PruneRules& rules,
                                        const profiles::VariantAnalysis& v) {
  if (rules.empty() || v.outcome != Outcome::correct) return std::nullopt;
  return rules.reason(v.resources);
}

std::function<std::string(const Json&)> analysed(const char* key) {
  return [key](const Json& row) -> std::string {
    if (value_at(row, "resources.registers").is_null()) return "-";
    return table_text(value_at(row, key));
  };
}

const Columns kVariantColumns{
    {"config", "configuration"},
    {"outcome", ""},
    {"threads_per_block", "threads"},
    {"dynamic_shared_bytes", ""},
    {"resources.registers", "regs", -1, analysed("resources.registers")},
    {"resources.shared_bytes", "smem B", -1,
     [](const Json& row) -> std::string {
       const auto& shared = value_at(row, "resources.shared_bytes");
       if (value_at(row, "resources.registers").is_null()) return "-";
       return std::to_string((shared.is_number() ? shared.get<std::int64_t>() : 0) +
                             row["dynamic_shared_bytes"].get<std::int64_t>());
     }},
    {"resources.stack_bytes", "stack B", -1, analysed("resources.stack_bytes")},
    {"resources.spill_store_bytes", ""},
    {"resources.spill_load_bytes", ""},
    {"spills", "spill st/ld B", -1,
     [](const Json& row) -> std::string {
       if (value_at(row, "resources.registers").is_null()) return "-";
       auto bytes = [&](const char* key) {
         const auto& v = value_at(row, key);
         return v.is_number() ? v.get<std::int64_t>() : 0;
       };
       return fmt::format("{}/{}", bytes("resources.spill_store_bytes"),
                          bytes("resources.spill_load_bytes"));
     },
     false},
    {"resources.const_bytes", ""},
    {"resources.theoretical_occupancy", "occupancy", 3},
    {"active_blocks_per_sm", "blocks/SM", -1, analysed("active_blocks_per_sm")},
    {"resources.occupancy_limiter", "limiter"},
    {"compile_ms", "compile ms", -1,
     [](const Json& row) -> std::string {
       if (row["cached"].get<bool>()) return "cached";
       return table_text(row["compile_ms"], 1);
     }},
    {"cached", ""},
    {"pruned_by", ""},
    {"message", ""},
    {"note", "note", -1,
     [](const Json& row) -> std::string {
       if (row["outcome"] != "correct")
         return fmt::format("{}: {}", row["outcome"].get<std::string>(),
                            row["message"].get<std::string>());
       return csv_text(row["pruned_by"]);
     },
     false},
};

}  // namespace

int run_analyze(const std::vector<std::string>& args) {
  CommandLine line("ktune analyze",
                   "ktune analyze <kernel> [--shape S] [--arch sm_90] [--limit N] "
                   "[--format table|json|csv]");
  TargetOptions target(TargetOptions::Device::none);
  SpaceOptions space_options;
  FormatOption output({Format::table, Format::json, Format::csv});
  std::string arch = "sm_90", prune;
  std::size_t limit = 0;
  std::uint64_t seed = 1;
  unsigned jobs = 0;
  bool no_cache = false;
  line.add(target);
  line.options()("arch", text_value(&arch, "--arch"),
                 ("GPU architecture: " + profiles::offline_architectures()).c_str())(
      "limit", integer_value(&limit, "--limit", std::size_t{1}, std::size_t{1} << 40, no_default),
      "analyse a seeded random sample of this many valid variants (default: all)")(
      "seed", seed_value(&seed, "--seed"), "seed of the sample")(
      "jobs", integer_value(&jobs, "--jobs", 0u), "compiler threads (0: one per core)")(
      "no-cache", po::bool_switch(&no_cache),
      "compile everything again instead of using the compile cache")(
      "prune", text_value(&prune, "--prune"),
      "mark the variants `ktune tune --prune` would skip: spills, occupancy<X, registers>N, "
      "stack>N, shared>N");
  line.add(space_options);
  line.add(output);
  line.positional("kernel");
  if (!line.parse(args)) return 0;
  const auto rules =
      prune.empty() ? profiles::PruneRules{}
                    : for_option("--prune", [&] { return profiles::PruneRules::parse(prune); });

  const auto& family = kernels::find_family(target.kernel);
  const Problem problem = parse_kernel_problem(family, target.shape);
  const DeviceInfo device = for_option("--arch", [&] { return profiles::offline_device(arch); });
  Space space = family.space(problem, device);
  space_options.apply(space);
  const auto valid = space.enumerate();
  if (valid.empty())
    throw UsageError("no configuration satisfies the constraints (check --set and --restrict)");
  const auto configs = pick(valid, limit, seed);

  profiles::AnalysisOptions analysis;
  analysis.arch = device.architecture;
  analysis.jobs = jobs;
  analysis.use_cache = !no_cache;
  const auto report = profiles::analyze_offline(family, space, configs, analysis);

  const double flops = family.flops(problem);
  const double bytes = family.min_bytes(problem);
  const double intensity = bytes > 0 ? flops / bytes : 0;
  std::size_t compiled = 0, cached = 0, would_prune = 0;
  double compile_ms = 0;
  std::map<std::string, int> outcomes;
  Json variants = Json::array();
  for (const auto& v : report.variants) {
    if (v.cached) ++cached;
    if (v.compile_ms > 0) {
      ++compiled;
      compile_ms += v.compile_ms;
    }
    ++outcomes[to_string(v.outcome)];
    Json row = profiles::analysis_json(space, v);
    const auto why = prune_reason(rules, v);
    if (why) ++would_prune;
    row["pruned_by"] = why ? Json(*why) : Json(nullptr);
    variants.push_back(std::move(row));
  }

  if (output.format == Format::json) {
    print_json(std::cout, Json{{"kernel", family.name()},
                               {"problem", problem.canonical()},
                               {"arch", report.arch},
                               {"target", device.name},
                               {"compiler", report.compiler},
                               {"space_size", valid.size()},
                               {"analysed", report.variants.size()},
                               {"seed", seed},
                               {"flops", flops},
                               {"min_bytes", bytes},
                               {"arithmetic_intensity", intensity},
                               {"compiled", compiled},
                               {"cached", cached},
                               {"wall_ms", report.wall_ms},
                               {"variants", variants}});
    return 0;
  }
  if (output.format == Format::csv) {
    print_csv(std::cout, kVariantColumns, variants);
    return 0;
  }
  std::cout << fmt::format("{} {} for {} ({}), {}\n", family.name(), problem.canonical(),
                           report.arch, device.name, report.compiler);
  std::cout << fmt::format(
      "{} of {} valid variants{}; arithmetic intensity {:.2f} FLOP/byte ({:.3g} GFLOP over at "
      "least {:.3g} MB)\n",
      report.variants.size(), valid.size(),
      report.variants.size() < valid.size() ? fmt::format(" (sample, seed {})", seed) : "",
      intensity, flops / 1e9, bytes / 1e6);
  print_table(std::cout, kVariantColumns, variants);
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
