// How fast each search strategy gets close to the optimum of the recorded GPU searches in
// datasets/: for every dataset, strategy and seed, a replayed session (the library's own
// Session and ReplayEvaluator, as `ktune tune --backend replay` runs it) until the best found
// is within 2% of the file's optimum or the budget is spent. Evaluations are counted as a
// user pays for them: unique configurations evaluated, failed ones included, no default-first.
// Next to it, the score of Willemsen et al. (methodology_score.hpp) over the same seeds, from
// replays that run through the methodology's time budget.
//
//   strategies_bench [--seeds 50] [--strategies auto,random,...] [--datasets a.json.gz,...]
//                    [--budget N] [--jobs 1] [--markdown FILE] [--csv FILE]
//                    [--score-seeds N] (seeds for the score; default: --seeds; 0: no score)
//                    [--restrict EXPR]   (a sub-space of each dataset: a landscape not tuned on)
//
// BENCH_TRACE=SEED prints that seed's evaluations (ratio to the optimum, configuration).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "bench/strategies/methodology_score.hpp"
#include "bench/strategies/recorded_space.hpp"
#include "bench/strategies/replay_lanes.hpp"
#include "profiles/replay/replay_evaluator.hpp"
#include "tuner/session.hpp"
#include "tuner/strategy.hpp"

namespace {

using namespace ktune;

constexpr double kThresholds[] = {0.02, 0.05, 0.10};

struct RunResult {
  // Per threshold: evaluations and simulated seconds until first within it (nullopt: never).
  std::optional<std::size_t> evals[3];
  double seconds[3] = {0, 0, 0};
  double wall_seconds = 0;
  std::size_t evaluations = 0;
};

using Dataset = bench::RecordedSpace;

RunResult run_once(const Dataset& d, const std::string& strategy_name, std::uint64_t seed,
                   std::size_t budget) {
  profiles::replay::ReplayEvaluator evaluator(d.data);
  auto strategy = tuner::make_strategy(strategy_name, d.index, seed);
  tuner::SessionOptions options;
  options.evaluate_default_first = false;
  options.simulated_time = true;
  tuner::Session session(d.space, evaluator, *strategy, nullptr, options);
  tuner::Budget limits;
  limits.evaluations = budget;
  std::atomic<bool> stop{false};
  RunResult run;
  const auto start = std::chrono::steady_clock::now();
  auto result =
      session.run(limits, d.index->size(), &stop, [&](const tuner::TuneResult& r, std::size_t) {
        if (!r.best) return;
        const double best = *r.evaluations[*r.best].evaluation.objective_ms();
        for (int t = 0; t < 3; ++t) {
          if (!run.evals[t] && best <= (1 + kThresholds[t]) * d.optimum) {
            run.evals[t] = r.evaluations.size();
            run.seconds[t] = r.evaluations.back().at_seconds;
          }
        }
        if (run.evals[0]) stop = true;  // every threshold reached
      });
  if (const char* trace = std::getenv("BENCH_TRACE"); trace && std::stoul(trace) == seed) {
    for (const auto& e : result.evaluations) {
      const auto ms = e.evaluation.objective_ms();
      std::cerr << fmt::format("{:4} {:7.3f} {}\n", e.index, ms ? *ms / d.optimum : 0.0,
                               d.space.canonical(e.config));
    }
  }
  run.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.evaluations = result.evaluations.size();
  return run;
}

double median(std::vector<double> values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

struct Cell {
  double success = 0;  // fraction of runs that reached the threshold within the budget
  std::string evals;   // median evaluations ("> B (m)" when fewer than half reached it)
  double median_evals = std::numeric_limits<double>::infinity();  // inf when not reached
  std::string seconds;  // median simulated time to reach it
};

Cell summarise(const std::vector<RunResult>& runs, int t, std::size_t budget) {
  Cell cell;
  std::vector<double> all, reached, seconds_all;
  for (const auto& r : runs) {
    if (r.evals[t]) {
      reached.push_back(static_cast<double>(*r.evals[t]));
      all.push_back(static_cast<double>(*r.evals[t]));
      seconds_all.push_back(r.seconds[t]);
    } else {
      all.push_back(std::numeric_limits<double>::infinity());
      seconds_all.push_back(std::numeric_limits<double>::infinity());
    }
  }
  cell.success = static_cast<double>(reached.size()) / static_cast<double>(runs.size());
  const double m = median(all);
  cell.median_evals = m;
  if (std::isinf(m))
    cell.evals = reached.empty() ? fmt::format(">{}", budget)
                                 : fmt::format(">{} ({:g})", budget, median(reached));
  else
    cell.evals = fmt::format("{:g}", m);
  const double s = median(seconds_all);
  cell.seconds = std::isinf(s) ? std::string("-") : fmt::format("{:.0f}", s);
  return cell;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t seeds = 50, jobs = 1;
  std::optional<std::size_t> budget_override;
  std::vector<std::string> strategies{"auto", "bayes", "genetic", "annealing", "random"};
  std::vector<std::string> files = bench::default_datasets();
  std::optional<std::size_t> score_seeds;
  std::string markdown, csv;
  std::vector<std::string> restricts;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "strategies_bench: " << arg << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--seeds")
      seeds = std::stoul(value());
    else if (arg == "--jobs")
      jobs = std::max<std::size_t>(1, std::stoul(value()));
    else if (arg == "--budget")
      budget_override = std::stoul(value());
    else if (arg == "--strategies")
      strategies = bench::split_list(value());
    else if (arg == "--datasets")
      files = bench::split_list(value());
    else if (arg == "--score-seeds")
      score_seeds = std::stoul(value());
    else if (arg == "--markdown")
      markdown = value();
    else if (arg == "--csv")
      csv = value();
    else if (arg == "--restrict")
      restricts.push_back(value());
    else {
      std::cerr << "strategies_bench: unknown option " << arg
                << " (accepted: --seeds, --jobs, --budget, --strategies, --datasets, --markdown, "
                   "--csv, --restrict, --score-seeds)\n";
      return 2;
    }
  }

  std::ofstream csv_out;
  if (!csv.empty()) {
    csv_out.open(csv);
    csv_out << "dataset,strategy,seed,evals_2,evals_5,evals_10,seconds_2,seconds_5,seconds_10,"
               "evaluations,wall_s\n";
  }
  std::string table =
      "| dataset | strategy | reached 5% | median evals to 2% | to 5% | to 10% | median simulated "
      "s to 5% | random/5 | score (Willemsen et al.) | wall s per run |\n"
      "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& file : files) {
    Dataset d = bench::load_recorded_space(file, restricts);
    if (budget_override) d.budget = *budget_override;
    std::optional<bench::MethodologyScore> methodology;
    if (score_seeds.value_or(seeds) > 0) methodology.emplace(d);
    std::cerr << fmt::format("{}: {} points, optimum {:.4f} ms, budget {}\n", d.name,
                             d.index->size(), d.optimum, d.budget);
    if (methodology)
      std::cerr << fmt::format("  methodology time budget: {:.0f} s to {:.0f} s\n",
                               methodology->start_seconds(), methodology->end_seconds());
    double random_median = std::numeric_limits<double>::quiet_NaN();
    // Random search first: the others are compared with its median.
    std::vector<std::string> order = strategies;
    std::stable_partition(order.begin(), order.end(),
                          [](const std::string& n) { return n == "random"; });
    for (const auto& name : order) {
      // Random search is also run without a cap, so its median is known even when it is
      // beyond the budget (the one-fifth target compares against it).
      const std::size_t budget = name == "random" ? d.index->size() : d.budget;
      std::vector<RunResult> runs(seeds);
      std::atomic<std::size_t> next{0};
      std::vector<std::thread> workers;
      for (std::size_t j = 0; j < jobs; ++j)
        workers.emplace_back([&] {
          for (std::size_t s; (s = next++) < seeds;)
            runs[s] = run_once(d, name, s + 1, budget);
        });
      for (auto& w : workers)
        w.join();
      std::string score = "-";
      if (methodology) {
        // Replays through the methodology's time budget (and a little beyond, as its curve
        // fitting uses points up to 10% past the end).
        bench::LaneOptions lane;
        lane.seconds = 1.1 * methodology->end_seconds();
        const std::size_t runs_for_score = score_seeds.value_or(seeds);
        std::vector<std::vector<bench::TracePoint>> traces(runs_for_score);
        std::atomic<std::size_t> next_trace{0};
        std::vector<std::thread> tracers;
        for (std::size_t j = 0; j < jobs; ++j)
          tracers.emplace_back([&] {
            for (std::size_t s; (s = next_trace++) < runs_for_score;)
              traces[s] = bench::replay_lanes(d, name, s + 1, lane).trace;
          });
        for (auto& t : tracers)
          t.join();
        score = fmt::format("{:.3f}", methodology->score(traces));
      }
      if (name == "random") {
        std::vector<double> to5;
        for (auto& r : runs)
          to5.push_back(r.evals[1] ? static_cast<double>(*r.evals[1])
                                   : std::numeric_limits<double>::infinity());
        random_median = median(to5);
        // The table reports random search within the same budget as the others.
        for (auto& r : runs)
          for (int t = 0; t < 3; ++t)
            if (r.evals[t] && *r.evals[t] > d.budget) r.evals[t].reset();
      }
      std::vector<double> wall;
      for (std::size_t s = 0; s < seeds; ++s) {
        const auto& r = runs[s];
        wall.push_back(r.wall_seconds);
        if (csv_out) {
          auto e = [&](int t) { return r.evals[t] ? std::to_string(*r.evals[t]) : std::string(); };
          auto sec = [&](int t) { return r.evals[t] ? fmt::format("{:.1f}", r.seconds[t]) : ""; };
          csv_out << fmt::format("{},{},{},{},{},{},{},{},{},{},{:.3f}\n", d.name, name, s + 1,
                                 e(0), e(1), e(2), sec(0), sec(1), sec(2), r.evaluations,
                                 r.wall_seconds);
        }
      }
      const Cell c2 = summarise(runs, 0, d.budget), c5 = summarise(runs, 1, d.budget),
                 c10 = summarise(runs, 2, d.budget);
      const std::string fifth = name == "random"            ? fmt::format("{:g}", random_median / 5)
                                : std::isnan(random_median) ? std::string("?")
                                : c5.median_evals <= random_median / 5 ? std::string("yes")
                                                                       : std::string("no");
      const std::string row = fmt::format(
          "| {} | {} | {:.0f}% | {} | {} | {} | {} | {} | {} | {:.2f} |\n", d.name, name,
          100 * c5.success, c2.evals, c5.evals, c10.evals, c5.seconds, fifth, score, median(wall));
      table += row;
      std::cerr << row << std::flush;
    }
  }
  std::cout << table;
  if (!markdown.empty()) std::ofstream(markdown) << table;
  return 0;
}
