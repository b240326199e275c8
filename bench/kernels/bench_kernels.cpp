// Benchmark of the kernel families on the OpenCL device (PoCL on our machines): for matmul
// 1024^3 and a ResNet-like conv2d, a seeded random search over the valid space, then the best
// variant, the default configuration and the CPU baseline re-measured side by side (interleaved
// rounds in one run), so the ratios do not depend on when the machine was busy.
//
//   bench_kernels [--evals N] [--seed S] [--rounds R] [--only matmul|conv2d] [--cpu-threads N]
//
// PoCL runs one thread per core unless POCL_MAX_PTHREAD_COUNT says otherwise; --cpu-threads
// gives the CPU baseline the same count (default: every hardware thread).
// Prints a Markdown report (docs/benchmarks/kernels.md holds a measured one).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/statistics.hpp"
#include "kernels/family.hpp"
#include "profiles/backends.hpp"
#include "profiles/kernel_evaluator.hpp"

namespace {

using namespace ktune;

struct Args {
  std::size_t evals = 40;
  std::uint64_t seed = 1;
  int rounds = 5;
  int cpu_threads = 0;  // 0: every hardware thread
  std::string only;
};

struct Case {
  std::string family;
  std::string shape;
};

double gflops(double flops, double ms) {
  return flops / (ms * 1e-3) / 1e9;
}

double elapsed_s(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void run_case(const Case& c, const Args& args, profiles::Device& device) {
  const auto& family = kernels::find_family(c.family);
  const Problem problem = family.parse_shape(c.shape);
  const auto space = family.space(problem, device.info());
  const auto valid = space.enumerate();
  profiles::MeasureOptions measure;
  measure.min_runs = 5;
  measure.max_runs = 20;
  measure.max_seconds_per_variant = 3;
  measure.seed = args.seed;
  profiles::KernelEvaluator evaluator(family, problem, space, device, measure);
  const double flops = family.flops(problem);

  // The search: the default first, then a seeded random sample of the valid space.
  const auto start = std::chrono::steady_clock::now();
  std::vector<Config> order{space.default_config()};
  {
    std::vector<Config> shuffled = valid;
    std::mt19937_64 rng(args.seed);
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    for (const auto& config : shuffled) {
      if (order.size() >= args.evals) break;
      if (config != order.front()) order.push_back(config);
    }
  }
  std::optional<Config> best;
  double best_ms = 0, default_ms = 0;
  std::map<std::string, int> failures;
  for (const auto& config : order) {
    const auto e = evaluator.evaluate(config);
    if (!e.ok()) {
      ++failures[std::string(to_string(e.outcome))];
      std::cerr << fmt::format("  {} {}: {}\n", to_string(e.outcome), space.canonical(config),
                               e.message);
      continue;
    }
    const double ms = *e.objective_ms();
    if (config == space.default_config()) default_ms = ms;
    if (!best || ms < best_ms) {
      best = config;
      best_ms = ms;
    }
    std::cerr << fmt::format("  {:8.3f} ms {:7.2f} GFLOP/s  {}\n", ms, gflops(flops, ms),
                             space.canonical(config));
  }
  const double search_s = elapsed_s(start);
  if (!best || default_ms == 0) throw Error(c.family + ": the default or every variant failed");

  // Side by side: interleaved rounds of the default, the best and the CPU baseline.
  kernels::BaselineOptions cpu;
  cpu.seed = args.seed;
  cpu.threads = args.cpu_threads;
  cpu.warmup_runs = 1;
  cpu.min_runs = 3;
  cpu.max_runs = 3;
  std::vector<double> default_samples, best_samples;
  std::map<std::string, std::vector<double>> cpu_samples;
  std::map<std::string, kernels::BaselineResult> cpu_info;
  for (int round = 0; round < args.rounds; ++round) {
    for (double ms : evaluator.sample(space.default_config(), 3))
      default_samples.push_back(ms);
    for (double ms : evaluator.sample(*best, 3))
      best_samples.push_back(ms);
    for (const auto& r : family.cpu_baseline(problem, cpu)) {
      auto& samples = cpu_samples[r.method];
      samples.insert(samples.end(), r.samples_ms.begin(), r.samples_ms.end());
      cpu_info[r.method] = r;
    }
  }
  const auto d = summarize(default_samples), b = summarize(best_samples);
  std::string cpu_best;
  double cpu_best_ms = 0;
  for (const auto& [method, samples] : cpu_samples) {
    const double ms = summarize(samples).median;
    if (cpu_best.empty() || ms < cpu_best_ms) {
      cpu_best = method;
      cpu_best_ms = ms;
    }
  }

  std::cout << fmt::format("### {} {}\n\n", family.name(), problem.canonical());
  std::cout << fmt::format(
      "Device: {} ({}). Valid space: {} configurations; searched {} (the default and a seeded "
      "random sample, seed {}) in {:.0f} s{}.\n\n",
      device.info().name, device.info().backend, valid.size(), order.size(), args.seed, search_s,
      failures.empty() ? "" : ", with failures");
  for (const auto& [outcome, count] : failures)
    std::cout << fmt::format("- {} variant(s) {}\n", count, outcome);
  std::cout << fmt::format(
      "Side by side, {} interleaved rounds (medians of every sample of the round set):\n\n",
      args.rounds);
  std::cout << "| variant | median ms | 95% CI ms | GFLOP/s | samples |\n|---|---|---|---|---|\n";
  auto row = [&](const std::string& name, const Summary& s) {
    std::cout << fmt::format("| {} | {:.3f} | {:.3f}-{:.3f} | {:.2f} | {} |\n", name, s.median,
                             s.ci_low, s.ci_high, gflops(flops, s.median), s.count);
  };
  row("best found: `" + space.canonical(*best) + "`", b);
  row("default: `" + space.canonical(space.default_config()) + "`", d);
  for (const auto& [method, samples] : cpu_samples)
    row(fmt::format("CPU {} ({} threads; {})", method, cpu_info[method].threads,
                    cpu_info[method].library),
        summarize(samples));
  std::cout << fmt::format(
      "\nRatios: best / default = **{:.2f}x** faster; best vs CPU baseline ({}) = **{:.3f}x** "
      "(the CPU is {:.1f}x faster than the best variant on this device); default vs CPU = "
      "{:.3f}x.\n\n",
      d.median / b.median, cpu_best, cpu_best_ms / b.median, b.median / cpu_best_ms,
      cpu_best_ms / d.median);
}

Args parse_args(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw UsageError(a + ": needs a value");
      return argv[++i];
    };
    if (a == "--evals")
      args.evals = std::stoul(next());
    else if (a == "--seed")
      args.seed = std::stoull(next());
    else if (a == "--rounds")
      args.rounds = std::stoi(next());
    else if (a == "--only")
      args.only = next();
    else if (a == "--cpu-threads")
      args.cpu_threads = std::stoi(next());
    else
      throw UsageError(
          "unknown argument " + a +
          " (accepted: --evals N, --seed S, --rounds R, --only KERNEL, --cpu-threads N)");
  }
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args args = parse_args(argc, argv);
    auto backend = profiles::make_backend("opencl");
    if (!backend) throw Error("the OpenCL backend was not built");
    auto device = backend->open(0);
    const std::vector<Case> cases{
        {"matmul", "1024x1024x1024"},
        {"conv2d", "n=1,c=64,h=56,w=56,k=64,r=3,s=3,stride=1,pad=1,dil=1"}};
    std::cout << "## Kernel families on the OpenCL device\n\n";
    const char* pocl_threads = std::getenv("POCL_MAX_PTHREAD_COUNT");
    std::cout << fmt::format("PoCL threads: {}; CPU baseline threads: {}.\n\n",
                             pocl_threads ? pocl_threads : "one per core",
                             kernels::resolve_threads(args.cpu_threads));
    for (const auto& c : cases)
      if (args.only.empty() || args.only == c.family) run_case(c, args, *device);
    return 0;
  } catch (const UsageError& e) {
    std::cerr << "bench_kernels: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "bench_kernels: " << e.what() << '\n';
    return 1;
  }
}
