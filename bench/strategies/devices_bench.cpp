// Several devices, one search: every strategy replayed through the tuner's own Session on N
// simulated devices (one ReplayEvaluator each, tuner/device_pool.hpp's simulated pool) over the
// recorded GPU searches in datasets/, for each N and seed, until
// `--evaluations` results were told and the best is within 5% of the file's optimum, or the
// evaluation budget is spent. Per (dataset, strategy, N) it reports
//   - evaluations to 5% of the optimum (counted in the order results come back): the median,
//     and its ratio to the same strategy's median on one device (target: at most 1.3);
//   - the simulated wall time to `--evaluations` evaluations: the median, and its ratio to
//     1/N of the one-device median (target: at most 1.2).
//
//   strategies_devices_bench [--devices 1,2,4,8] [--strategies auto,genetic,random]
//                            [--seeds 50] [--evaluations 200] [--jobs 1]
//                            [--datasets a.json.gz,...] [--markdown FILE] [--csv FILE]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "bench/strategies/recorded_space.hpp"
#include "bench/strategies/replay_lanes.hpp"
#include "profiles/replay/replay_evaluator.hpp"
#include "tuner/session.hpp"
#include "tuner/strategy.hpp"

namespace {

using namespace ktune;

double median(std::vector<double> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Run {
  std::optional<std::size_t> to5;
  double seconds_at = std::numeric_limits<double>::quiet_NaN();  // at `--evaluations`
  std::size_t evaluations = 0;
  double strategy_seconds = 0;
};

// One search through tuner::Session on `options.lanes` simulated devices: the trace of the best
// found against the simulated clock, one point per result in the order results came back.
bench::LaneRun run_session(const bench::RecordedSpace& d, const std::string& strategy_name,
                           std::uint64_t seed, const bench::LaneOptions& options) {
  std::vector<std::unique_ptr<profiles::replay::ReplayEvaluator>> owned;
  std::vector<profiles::Evaluator*> devices;
  for (std::size_t i = 0; i < options.lanes; ++i) {
    owned.push_back(std::make_unique<profiles::replay::ReplayEvaluator>(d.data));
    devices.push_back(owned.back().get());
  }
  auto strategy = tuner::make_strategy(strategy_name, d.index, seed);
  tuner::SessionOptions session_options;
  session_options.evaluate_default_first = false;
  session_options.simulated_time = true;
  tuner::Session session(d.space, devices, *strategy, nullptr, session_options);
  tuner::Budget budget;
  if (options.evaluations) budget.evaluations = options.evaluations;
  std::atomic<bool> stop{false};
  bench::LaneRun run;
  const auto start = std::chrono::steady_clock::now();
  session.run(budget, d.index->size(), &stop, [&](const tuner::TuneResult& r, std::size_t) {
    const auto& latest = r.evaluations.back();
    bench::TracePoint point{latest.at_seconds, std::nullopt};
    if (r.best) point.best = r.evaluations[*r.best].evaluation.objective_ms();
    run.trace.push_back(point);
    if (options.at_least && r.evaluations.size() >= options.at_least && point.best &&
        *point.best <= (1 + options.target) * d.optimum)
      stop = true;
  });
  // The whole replay's CPU time (strategy and session; the replayed evaluations cost nothing).
  run.strategy_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> devices{1, 2, 4, 8};
  std::vector<std::string> strategies{"auto", "genetic", "random"};
  std::vector<std::string> files = bench::default_datasets();
  std::size_t seeds = 50, evaluations = 200, jobs = 1;
  std::string markdown, csv;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "strategies_devices_bench: " << arg << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--devices") {
      devices.clear();
      for (const auto& n : bench::split_list(value()))
        devices.push_back(std::max<std::size_t>(1, std::stoul(n)));
    } else if (arg == "--strategies") {
      strategies = bench::split_list(value());
    } else if (arg == "--datasets") {
      files = bench::split_list(value());
    } else if (arg == "--seeds") {
      seeds = std::stoul(value());
    } else if (arg == "--evaluations") {
      evaluations = std::max<std::size_t>(1, std::stoul(value()));
    } else if (arg == "--jobs") {
      jobs = std::max<std::size_t>(1, std::stoul(value()));
    } else if (arg == "--markdown") {
      markdown = value();
    } else if (arg == "--csv") {
      csv = value();
    } else {
      std::cerr << "strategies_devices_bench: unknown option " << arg
                << " (accepted: --devices, --strategies, --datasets, --seeds, --evaluations, "
                   "--jobs, --markdown, --csv)\n";
      return 2;
    }
  }
  if (std::find(devices.begin(), devices.end(), 1) == devices.end())
    devices.insert(devices.begin(), 1);  // the reference

  std::ofstream csv_out;
  if (!csv.empty()) {
    csv_out.open(csv);
    csv_out << "dataset,strategy,devices,seed,evals_5,seconds_at_evaluations,evaluations,"
               "strategy_s\n";
  }
  std::string table = fmt::format(
      "| dataset | strategy | devices | reached 5% | median evals to 5% | x one device | "
      "median simulated s to {} evals | x 1/N of one device | strategy CPU s per run |\n"
      "|---|---|---|---|---|---|---|---|---|\n",
      evaluations);
  for (const auto& file : files) {
    const auto d = bench::load_recorded_space(file);
    std::cerr << fmt::format("{}: {} points, budget {}\n", d.name, d.index->size(), d.budget);
    for (const auto& name : strategies) {
      double one_to5 = 0, one_seconds = 0;
      for (auto n : devices) {
        bench::LaneOptions options;
        options.lanes = n;
        options.evaluations = std::max(d.budget, evaluations);
        options.at_least = evaluations;
        options.target = 0.05;
        std::vector<Run> runs(seeds);
        std::atomic<std::size_t> next{0};
        std::vector<std::thread> workers;
        for (std::size_t j = 0; j < jobs; ++j)
          workers.emplace_back([&] {
            for (std::size_t s; (s = next++) < seeds;) {
              const auto lane = run_session(d, name, s + 1, options);
              Run& r = runs[s];
              r.to5 = bench::evaluations_to(lane.trace, d.optimum, 0.05);
              if (r.to5 && *r.to5 > d.budget) r.to5.reset();
              if (lane.trace.size() >= evaluations)
                r.seconds_at = lane.trace[evaluations - 1].seconds;
              r.evaluations = lane.trace.size();
              r.strategy_seconds = lane.strategy_seconds;
            }
          });
        for (auto& w : workers)
          w.join();
        std::vector<double> to5, seconds, cpu;
        std::size_t reached = 0;
        for (std::size_t s = 0; s < seeds; ++s) {
          const Run& r = runs[s];
          to5.push_back(r.to5 ? static_cast<double>(*r.to5)
                              : std::numeric_limits<double>::infinity());
          reached += r.to5 ? 1 : 0;
          if (!std::isnan(r.seconds_at)) seconds.push_back(r.seconds_at);
          cpu.push_back(r.strategy_seconds);
          if (csv_out)
            csv_out << fmt::format("{},{},{},{},{},{:.1f},{},{:.4f}\n", d.name, name, n, s + 1,
                                   r.to5 ? std::to_string(*r.to5) : "", r.seconds_at, r.evaluations,
                                   r.strategy_seconds);
        }
        const double m5 = median(to5), ms = median(seconds);
        if (n == 1) {
          one_to5 = m5;
          one_seconds = ms;
        }
        const std::string evals =
            std::isinf(m5) ? fmt::format(">{}", d.budget) : fmt::format("{:g}", m5);
        const std::string quality =
            std::isinf(m5) || std::isinf(one_to5) ? "-" : fmt::format("{:.2f}", m5 / one_to5);
        const std::string row = fmt::format(
            "| {} | {} | {} | {:.0f}% | {} | {} | {:.0f} | {:.2f} | {:.2f} |\n", d.name, name, n,
            100.0 * static_cast<double>(reached) / static_cast<double>(seeds), evals, quality, ms,
            ms / (one_seconds / static_cast<double>(n)), median(cpu));
        table += row;
        std::cerr << row << std::flush;
      }
    }
  }
  std::cout << table;
  if (!markdown.empty()) std::ofstream(markdown) << table;
  return 0;
}
