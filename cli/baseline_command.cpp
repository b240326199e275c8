// ktune baseline <kernel>: the best the host CPU does on a problem (an optimised library, timed
// like the kernels: warm-up, repeats until the median is known to +-target-ci, median), as the
// reference point for GPU speed-ups.
#include <unistd.h>

#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/table.hpp"
#include "core/error.hpp"
#include "kernels/family.hpp"

namespace ktune::cli {
namespace {

// The inputs, the output and their copies must fit in host memory (bad input never starts a
// run that the kernel would kill).
void check_host_memory(const kernels::Family& family, const Problem& problem) {
  double bytes = 0;
  for (auto elements : family.buffer_elements(problem))
    bytes += 4.0 * static_cast<double>(elements);
  const double host =
      static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  if (host > 0 && 3 * bytes > host)
    throw UsageError(
        fmt::format("shape {} needs about {:.2f} GiB of host memory; this machine has "
                    "{:.2f} GiB",
                    problem.canonical(), 3 * bytes / (1 << 30), host / (1 << 30)));
}

nlohmann::json to_json(const kernels::BaselineResult& r) {
  return {{"method", r.method},
          {"library", r.library},
          {"threads", r.threads},
          {"median_ms", r.time.median},
          {"ci_ms", {r.time.ci_low, r.time.ci_high}},
          {"gflops", r.gflops},
          {"runs", r.samples_ms.size()},
          {"samples_ms", r.samples_ms}};
}

}  // namespace

int run_baseline(const std::vector<std::string>& args) {
  std::string kernel, shape, method, format_text;
  kernels::BaselineOptions o;
  po::options_description options("Options");
  options.add_options()("kernel", po::value(&kernel), "kernel family (matmul, conv2d)")(
      "shape", po::value(&shape), "problem shape (default: the family's; see ktune tune --help)")(
      "threads", po::value(&o.threads)->default_value(0),
      "CPU threads (default 0: one per hardware thread)")(
      "method", po::value(&method),
      "only this method (matmul: openblas_sgemm; conv2d: onednn, im2col_sgemm); default: all, "
      "fastest first")("format", po::value(&format_text)->default_value("table"), "table or json")(
      "seed", po::value(&o.seed)->default_value(1), "random seed of the inputs")(
      "warmup", po::value(&o.warmup_runs)->default_value(2), "untimed runs first")(
      "min-runs", po::value(&o.min_runs)->default_value(5), "timed runs, at least")(
      "max-runs", po::value(&o.max_runs)->default_value(50), "timed runs, at most")(
      "target-ci", po::value(&o.target_relative_ci)->default_value(0.05, "0.05"),
      "stop repeating when the 95% CI of the median is this narrow (relative)")(
      "max-seconds", po::value(&o.max_seconds)->default_value(5.0, "5"),
      "stop repeating a method after this many seconds");
  add_help(options);
  po::positional_options_description positional;
  positional.add("kernel", 1);
  auto vm = parse("baseline",
                  "ktune baseline <kernel> [--shape S] [--threads N] [--method M] "
                  "[--format table|json]",
                  options, args, &positional);
  if (!vm) return 0;
  if (kernel.empty())
    throw UsageError(
        "ktune baseline: which kernel? (e.g. ktune baseline matmul; see ktune baseline --help)");
  const Format format = parse_format(format_text, {Format::table, Format::json});
  if (o.threads < 0)
    throw UsageError("--threads: must be at least 1 (or 0 for every hardware thread)");
  if (o.warmup_runs < 0) throw UsageError("--warmup: must be at least 0");
  if (o.min_runs < 1 || o.max_runs < o.min_runs)
    throw UsageError("--min-runs/--max-runs: need 1 <= min-runs <= max-runs");
  if (!(o.target_relative_ci > 0)) throw UsageError("--target-ci: must be a positive fraction");
  if (!(o.max_seconds > 0)) throw UsageError("--max-seconds: must be positive");
  o.method = method;

  const auto& family = kernels::find_family(kernel);
  const Problem problem = shape.empty() ? family.default_problem() : family.parse_shape(shape);
  check_host_memory(family, problem);
  const auto results = family.cpu_baseline(problem, o);
  if (results.empty()) throw Error(fmt::format("{} has no CPU baseline", family.name()));

  if (format == Format::json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : results)
      list.push_back(to_json(r));
    const nlohmann::json doc{{"kernel", family.name()},
                             {"problem", problem.canonical()},
                             {"flops", family.flops(problem)},
                             {"best", to_json(results.front())},
                             {"results", list}};
    std::cout << doc.dump(2) << '\n';
    return 0;
  }
  std::cout << fmt::format("{} {}: CPU baseline, {:.3g} GFLOP per run\n", family.name(),
                           problem.canonical(), family.flops(problem) / 1e9);
  Table table({"method", "threads", "median ms", "95% CI ms", "GFLOP/s", "runs", "library"});
  for (const auto& r : results)
    table.add({r.method, std::to_string(r.threads), fmt::format("{:.4f}", r.time.median),
               fmt::format("{:.4f}-{:.4f}", r.time.ci_low, r.time.ci_high),
               fmt::format("{:.2f}", r.gflops), std::to_string(r.samples_ms.size()), r.library});
  table.print(std::cout);
  const auto& best = results.front();
  std::cout << fmt::format("best: {} {:.2f} GFLOP/s on {} thread(s)\n", best.method, best.gflops,
                           best.threads);
  return 0;
}

}  // namespace ktune::cli
