// The cost of evaluating in a worker process (--isolation process) against in this process
// (none), side by side in one run: the same configurations of matmul 256^3 are evaluated by a
// KernelEvaluator here and by an IsolatedEvaluator whose worker is the ktune binary, in
// alternating order, round after round, so both see the same machine load. Reports the
// per-evaluation wall time of each, their paired difference (the overhead), the kernel medians
// each measured (which isolation must not change beyond their noise), and the worker's start.
//
//   isolation_bench [--configs N] [--rounds R] [--seed S] [--ktune PATH]
//
// Prints a Markdown report (docs/benchmarks/isolation.md holds a measured one).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/statistics.hpp"
#include "kernels/family.hpp"
#include "profiles/backends.hpp"
#include "profiles/isolation/isolated_evaluator.hpp"
#include "profiles/kernel_evaluator.hpp"

namespace {

using namespace ktune;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n == 0 ? NAN : (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

struct PerConfig {
  std::vector<double> wall_none, wall_process, kernel_none, kernel_process, ci_none, ci_process;
};

}  // namespace

int main(int argc, char** argv) {
  std::size_t configs = 8;
  int rounds = 3;
  std::uint64_t seed = 1;
  std::string ktune_binary = KTUNE_BINARY;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--configs")
      configs = std::stoul(argv[i + 1]);
    else if (flag == "--rounds")
      rounds = std::stoi(argv[i + 1]);
    else if (flag == "--seed")
      seed = std::stoull(argv[i + 1]);
    else if (flag == "--ktune")
      ktune_binary = argv[i + 1];
    else {
      std::cerr << "usage: isolation_bench [--configs N] [--rounds R] [--seed S] [--ktune PATH]\n";
      return 2;
    }
  }
  try {
    auto selection = profiles::select_device("opencl");
    auto device = selection.backend->open(selection.device.index);
    const auto& family = kernels::find_family("matmul");
    const Problem problem = family.parse_shape("256x256x256");
    const Space space = family.space(problem, device->info());
    profiles::MeasureOptions measure;
    measure.min_runs = 10;
    measure.max_runs = 50;
    measure.target_relative_ci = 0.02;
    measure.max_seconds_per_variant = 1.0;
    measure.profile = false;

    std::vector<Config> chosen{space.default_config()};
    auto valid = space.enumerate();
    std::mt19937_64 rng(seed);
    std::shuffle(valid.begin(), valid.end(), rng);
    for (const auto& c : valid) {
      if (chosen.size() >= configs) break;
      if (c != chosen.front()) chosen.push_back(c);
    }

    profiles::KernelEvaluator none(family, problem, space, *device, measure);
    profiles::isolation::WorkerSpec spec;
    spec.kernel = family.name();
    spec.problem = problem;
    spec.backend = selection.device.backend;
    spec.device = selection.device.index;
    spec.measure = measure;
    std::vector<double> starts;
    for (int i = 0; i < 3; ++i) {  // the cost of a worker start (and of each restart)
      const auto t = Clock::now();
      profiles::isolation::IsolatedEvaluator probe(spec, space, {ktune_binary, "worker"});
      starts.push_back(ms_since(t));
    }
    profiles::isolation::IsolatedEvaluator process(spec, space, {ktune_binary, "worker"});

    // The bare cost of one request: a configuration the space's constraints reject is answered
    // without compiling or running anything, in both.
    std::optional<Config> rejected;
    const Config base = space.default_config();
    for (std::size_t p = 0; p < base.values.size() && !rejected; ++p)
      for (std::int64_t v : space.params()[p].values) {
        Config c = base;
        c.values[p] = v;
        if (space.violation(c)) {
          rejected = c;
          break;
        }
      }
    std::vector<double> trip_none, trip_process;
    for (int i = 0; rejected && i < 400; ++i) {
      auto t = Clock::now();
      none.evaluate(*rejected);
      trip_none.push_back(ms_since(t));
      t = Clock::now();
      process.evaluate(*rejected);
      trip_process.push_back(ms_since(t));
    }

    // One evaluation of each first, in both: compiler caches warm on both sides.
    for (const auto& c : chosen) {
      none.evaluate(c);
      process.evaluate(c);
    }
    std::vector<PerConfig> results(chosen.size());
    for (int round = 0; round < rounds; ++round)
      for (std::size_t i = 0; i < chosen.size(); ++i) {
        for (int side = 0; side < 2; ++side) {
          const bool isolated = (side + round + static_cast<int>(i)) % 2 == 1;  // alternate
          const auto t = Clock::now();
          const Evaluation e = isolated ? process.evaluate(chosen[i]) : none.evaluate(chosen[i]);
          const double wall = ms_since(t);
          if (!e.ok()) continue;
          auto& r = results[i];
          (isolated ? r.wall_process : r.wall_none).push_back(wall);
          (isolated ? r.kernel_process : r.kernel_none).push_back(e.time.median);
          (isolated ? r.ci_process : r.ci_none).push_back(e.time.relative_ci_width());
        }
      }

    std::cout << fmt::format(
        "# isolation_bench: matmul 256x256x256 on {} ({} configurations x {} rounds, seed {})\n\n",
        device->info().name, chosen.size(), rounds, seed);
    std::cout << fmt::format(
        "worker start (spawn, open the device, inputs and reference): "
        "median {:.0f} ms of {} starts\n\n",
        median(starts), starts.size());
    if (rejected)
      std::cout << fmt::format(
          "one request answered at once (a configuration the constraints reject), median of "
          "{}: none {:.4f} ms, process {:.4f} ms: {:.3f} ms a round trip\n\n",
          trip_none.size(), median(trip_none), median(trip_process),
          median(trip_process) - median(trip_none));
    std::cout << "| configuration | eval none ms | eval process ms | overhead ms | kernel none "
                 "ms | kernel process ms | kernel ratio | 95% CI none / process |\n"
                 "|---|---:|---:|---:|---:|---:|---:|---|\n";
    std::vector<double> overheads, ratios;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      const auto& r = results[i];
      if (r.wall_none.empty() || r.wall_process.empty()) {
        std::cout << fmt::format("| {} | failed | | | | | | |\n", space.canonical(chosen[i]));
        continue;
      }
      const double overhead = median(r.wall_process) - median(r.wall_none);
      const double ratio = median(r.kernel_process) / median(r.kernel_none);
      overheads.push_back(overhead);
      ratios.push_back(ratio);
      std::cout << fmt::format(
          "| {} | {:.1f} | {:.1f} | {:+.1f} | {:.4f} | {:.4f} | {:.3f} | ±{:.1f}% / ±{:.1f}% |\n",
          space.canonical(chosen[i]), median(r.wall_none), median(r.wall_process), overhead,
          median(r.kernel_none), median(r.kernel_process), ratio, 50 * median(r.ci_none),
          50 * median(r.ci_process));
    }
    std::cout << fmt::format(
        "\nper-evaluation overhead of isolation: median {:+.1f} ms; kernel time ratio "
        "process/none: median {:.3f} (min {:.3f}, max {:.3f})\n",
        median(overheads), median(ratios), *std::min_element(ratios.begin(), ratios.end()),
        *std::max_element(ratios.begin(), ratios.end()));
  } catch (const std::exception& e) {
    std::cerr << "isolation_bench: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
