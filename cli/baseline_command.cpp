// ktune baseline <kernel>: the best the host CPU does on a problem (an optimised library, timed
// like the kernels: warm-up, repeats until the median is known to +-target-ci, median), as the
// reference point for GPU speed-ups.
#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/option_groups.hpp"
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
    throw UsageError(fmt::format(
        "--shape {}: needs about {:.2f} GiB of host memory; this machine has {:.2f} GiB",
        problem.canonical(), 3 * bytes / (1 << 30), host / (1 << 30)));
}

const Columns kBaselineColumns{
    {"method", "method"},
    {"threads", "threads"},
    {"time.median_ms", "median ms", 4},
    {"ci", "95% CI ms", -1, interval_text("time."), false},
    {"gflops", "GFLOP/s", 2},
    {"time.runs", "runs"},
    {"library", "library"},
};

}  // namespace

int run_baseline(const std::vector<std::string>& args) {
  CommandLine line("ktune baseline",
                   "ktune baseline <kernel> [--shape S] [--threads N] [--method M] "
                   "[--format table|json]");
  TargetOptions target(TargetOptions::Device::none);
  FormatOption output({Format::table, Format::json});
  kernels::BaselineOptions o;
  line.add(target);
  line.options()("threads", integer_value(&o.threads, "--threads", 0),
                 "CPU threads (0: one per hardware thread)")(
      "method", text_value(&o.method, "--method"),
      "only this method (matmul: openblas_sgemm; conv2d: onednn, im2col_sgemm); default: all, "
      "fastest first")("seed", seed_value(&o.seed, "--seed"), "random seed of the inputs")(
      "warmup", integer_value(&o.warmup_runs, "--warmup", 0), "untimed runs first")(
      "min-runs", integer_value(&o.min_runs, "--min-runs", 1), "timed runs, at least")(
      "max-runs", integer_value(&o.max_runs, "--max-runs", 1), "timed runs, at most")(
      "target-ci", real_value(&o.target_relative_ci, "--target-ci", 0),
      "stop repeating when the 95% CI of the median is this narrow (relative)")(
      "max-seconds", real_value(&o.max_seconds, "--max-seconds", 0),
      "stop repeating a method after this many seconds");
  line.add(output);
  line.positional("kernel");
  if (!line.parse(args)) return 0;
  if (o.max_runs < o.min_runs)
    throw UsageError(fmt::format("--max-runs {}: fewer than --min-runs {} (need min <= max)",
                                 o.max_runs, o.min_runs));

  const auto& family = kernels::find_family(target.kernel);
  const Problem problem = parse_kernel_problem(family, target.shape);
  check_host_memory(family, problem);
  const auto results = for_option("--method", [&] { return family.cpu_baseline(problem, o); });
  if (results.empty()) throw Error(fmt::format("{} has no CPU baseline", family.name()));

  Json rows = results;
  if (output.format == Format::json) {
    print_json(std::cout, Json{{"kernel", family.name()},
                               {"problem", problem.canonical()},
                               {"flops", family.flops(problem)},
                               {"best", rows.front()},
                               {"results", rows}});
    return 0;
  }
  std::cout << fmt::format("{} {}: CPU baseline, {:.3g} GFLOP per run\n", family.name(),
                           problem.canonical(), family.flops(problem) / 1e9);
  print_table(std::cout, kBaselineColumns, rows);
  const auto& best = results.front();
  std::cout << fmt::format("best: {} {:.2f} GFLOP/s on {} thread(s)\n", best.method, best.gflops,
                           best.threads);
  return 0;
}

}  // namespace ktune::cli
