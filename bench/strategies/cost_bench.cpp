// What a strategy's own work costs per proposal, against the number of observations it has:
// each proposal (next()) and its evaluation (tell()) are timed, the evaluation itself is a
// lookup in the recorded file, so only the strategy is measured.
//
//   strategy_cost_bench [--strategies auto,bayes] [--dataset gemm_RTX_2080_Ti.json.gz]
//                       [--evaluations 1000] [--seeds 3] [--bucket 100] [--markdown FILE]
//
// Prints, per strategy and bucket of observations, the mean CPU milliseconds of a proposal
// (next + tell) over the seeds, and the mean over the whole run.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench/strategies/recorded_space.hpp"
#include "profiles/replay/replay_evaluator.hpp"
#include "tuner/strategy.hpp"

namespace {

using namespace ktune;

double cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) * 1e-6;
}

// CPU ms per proposal, in evaluation order.
std::vector<double> run(const bench::RecordedSpace& d, const std::string& name, std::uint64_t seed,
                        std::size_t evaluations) {
  profiles::replay::ReplayEvaluator evaluator(d.data);
  auto strategy = tuner::make_strategy(name, d.index, seed);
  std::vector<double> costs;
  costs.reserve(evaluations);
  for (std::size_t i = 0; i < evaluations; ++i) {
    const double start = cpu_ms();
    auto config = strategy->next();
    if (!config) break;
    const double proposed = cpu_ms();
    const Evaluation e = evaluator.lookup(*config);
    const double looked_up = cpu_ms();
    strategy->tell(*config, e);
    costs.push_back((proposed - start) + (cpu_ms() - looked_up));
  }
  return costs;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> strategies{"auto", "bayes"};
  std::string file = "gemm_RTX_2080_Ti.json.gz", markdown;
  std::size_t evaluations = 1000, seeds = 3, bucket = 100;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "strategy_cost_bench: " << arg << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--strategies")
      strategies = bench::split_list(value());
    else if (arg == "--dataset")
      file = value();
    else if (arg == "--evaluations")
      evaluations = std::stoul(value());
    else if (arg == "--seeds")
      seeds = std::stoul(value());
    else if (arg == "--bucket")
      bucket = std::max<std::size_t>(1, std::stoul(value()));
    else if (arg == "--markdown")
      markdown = value();
    else {
      std::cerr << "strategy_cost_bench: unknown option " << arg
                << " (accepted: --strategies, --dataset, --evaluations, --seeds, --bucket, "
                   "--markdown)\n";
      return 2;
    }
  }
  const auto d = bench::load_recorded_space(file);
  std::cerr << fmt::format("{}: {} points\n", d.name, d.index->size());
  std::string table =
      "| strategy | observations | mean ms per proposal | max ms |\n|---|---|---|---|\n";
  for (const auto& name : strategies) {
    std::vector<std::vector<double>> runs;
    for (std::size_t s = 1; s <= seeds; ++s) {
      runs.push_back(run(d, name, s, evaluations));
      double total = 0;
      for (double c : runs.back())
        total += c;
      std::cerr << fmt::format("{} seed {}: {} proposals, {:.2f} s\n", name, s, runs.back().size(),
                               total / 1e3);
    }
    double all = 0;
    std::size_t count = 0;
    for (std::size_t from = 0; from < evaluations; from += bucket) {
      double sum = 0, worst = 0;
      std::size_t n = 0;
      for (const auto& r : runs)
        for (std::size_t i = from; i < std::min(r.size(), from + bucket); ++i) {
          sum += r[i];
          worst = std::max(worst, r[i]);
          ++n;
        }
      if (n == 0) break;
      all += sum;
      count += n;
      const std::string row = fmt::format("| {} | {}-{} | {:.2f} | {:.1f} |\n", name, from,
                                          from + bucket, sum / static_cast<double>(n), worst);
      table += row;
      std::cerr << row;
    }
    const std::string row = fmt::format("| {} | **all {}** | **{:.2f}** | |\n", name, evaluations,
                                        all / static_cast<double>(std::max<std::size_t>(1, count)));
    table += row;
    std::cerr << row;
  }
  std::cout << table;
  if (!markdown.empty()) std::ofstream(markdown) << table;
  return 0;
}
