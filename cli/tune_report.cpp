#include "cli/tune_report.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>

#include <fmt/format.h>

#include "cli/output.hpp"
#include "core/json.hpp"
#include "core/rates.hpp"
#include "db/json.hpp"
#include "space/config_json.hpp"
#include "tuner/json.hpp"

namespace ktune::cli {
namespace {

std::optional<double> gflops(const Target& t, double ms) {
  if (!t.family || ms <= 0) return std::nullopt;
  return gflops_per_second(t.family->flops(t.problem), ms);
}

// The session as stored, with what this run adds: where, how far, why it stopped.
Json session_json(const Report& r) {
  Json j = r.session;
  j["database"] = r.database;
  j["dataset"] = r.target.replay() ? Json(r.options.dataset) : Json(nullptr);
  j["shard"] = r.shard ? Json(fmt::format("{}/{}", r.shard->index, r.shard->count)) : Json(nullptr);
  j["budget"] = r.budget;
  j["evaluations"] = r.result.evaluations.size();
  j["resumed"] = r.result.resumed;
  j["stop_reason"] = r.result.stop_reason;
  j["elapsed_s"] = r.result.elapsed_seconds;
  j["simulated_time"] = r.target.replay();
  j["devices"] = r.target.device_indices.empty() ? Json::array({r.target.device.index})
                                                 : Json(r.target.device_indices);
  return j;
}

std::optional<double> cpu_ms(const Report& r) {
  if (!r.cpu_baseline || r.cpu_baseline->time.count == 0) return std::nullopt;
  return r.cpu_baseline->time.median;
}

Json best_json(const Report& r) {
  const auto& v = r.verdict;
  if (!v.winner) return nullptr;
  const auto& result = r.result;
  const auto& b = result.evaluations[*v.winner];
  const double ms = *b.evaluation.objective_ms();
  std::optional<double> speedup;
  if (result.default_config)
    if (auto default_ms = result.evaluations[*result.default_config].evaluation.objective_ms())
      speedup = *default_ms / ms;
  std::optional<double> vs_cpu, vs_cpu_end_to_end, end_to_end, end_to_end_pinned;
  if (auto copies = round_trip_ms(r.transfers, HostMemory::pageable)) end_to_end = *copies + ms;
  if (auto copies = round_trip_ms(r.transfers, HostMemory::pinned))
    end_to_end_pinned = *copies + ms;
  if (auto cpu = cpu_ms(r)) {
    vs_cpu = *cpu / ms;
    if (end_to_end) vs_cpu_end_to_end = *cpu / *end_to_end;
  }
  return Json{{"index", b.index},
              {"config", r.target.space.canonical(b.config)},
              {"params", params_json(r.target.space, b.config)},
              {"objective_ms", ms},
              {"time", b.evaluation.time},
              {"gflops", optional_json(gflops(r.target, ms))},
              {"speedup_over_default", optional_json(speedup)},
              {"speedup_vs_cpu", optional_json(vs_cpu)},
              {"end_to_end_ms", optional_json(end_to_end)},
              {"end_to_end_pinned_ms", optional_json(end_to_end_pinned)},
              {"speedup_vs_cpu_end_to_end", optional_json(vs_cpu_end_to_end)},
              {"verdict", tuner::verdict_json(r.target.space, result, v)}};
}

const Columns kRankingColumns{
    {"rank", "rank"},
    {"config", "configuration"},
    {"time.median_ms", "median ms", 4},
    {"ci", "95% CI ms", -1, interval_text("time.")},
    {"gflops", "GFLOP/s", 2},
    {"time.runs", "runs"},
};

// Kernel-only beside end-to-end: the copies in and out from each host memory measured.
void print_end_to_end(const Report& r, double kernel_ms) {
  if (r.transfers.empty()) {
    std::cout << "end-to-end: " << r.target.transfers_skipped << '\n';
    return;
  }
  const auto cpu = cpu_ms(r);
  for (auto memory : {HostMemory::pageable, HostMemory::pinned}) {
    std::optional<double> in, out;
    std::uint64_t in_bytes = 0, out_bytes = 0;
    for (const auto& t : r.transfers) {
      if (t.memory != memory || t.time.count == 0) continue;
      const bool to_device = t.direction == CopyDirection::host_to_device;
      (to_device ? in : out) = t.time.median;
      (to_device ? in_bytes : out_bytes) = t.bytes;
    }
    if (!in || !out) continue;
    const double total = *in + kernel_ms + *out;
    std::cout << fmt::format(
        "end-to-end ({}): {:.4f} ms = copies in {:.4f} ms ({:.1f} MB) + kernel {:.4f} ms + copy "
        "out {:.4f} ms ({:.1f} MB)",
        enum_name(memory), total, *in, static_cast<double>(in_bytes) / 1e6, kernel_ms, *out,
        static_cast<double>(out_bytes) / 1e6);
    if (cpu) std::cout << fmt::format("; {:.2f}x vs the CPU end-to-end", *cpu / total);
    std::cout << '\n';
  }
}

}  // namespace

std::string duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

std::optional<double> eta_seconds(const tuner::TuneResult& r, std::size_t space_size,
                                  const tuner::Budget& budget) {
  const std::size_t n = r.evaluations.size();
  if (n == 0) return std::nullopt;
  const double per_eval = r.elapsed_seconds / static_cast<double>(n);
  std::optional<double> eta = static_cast<double>(space_size - std::min(space_size, n)) * per_eval;
  if (budget.evaluations)
    eta =
        std::min(*eta, static_cast<double>(*budget.evaluations - std::min(*budget.evaluations, n)) *
                           per_eval);
  if (budget.seconds) eta = std::min(*eta, std::max(0.0, *budget.seconds - r.elapsed_seconds));
  return eta;
}

std::string progress_line(const tuner::TuneResult& r, std::size_t space_size,
                          const tuner::Budget& budget, const Target& target, std::size_t width) {
  std::string best = "none yet";
  if (r.best)
    best = fmt::format("{:.4f} ms ({})", *r.evaluations[*r.best].evaluation.objective_ms(),
                       target.space.canonical(r.evaluations[*r.best].config));
  const auto eta = eta_seconds(r, space_size, budget);
  std::string line =
      fmt::format("[{}/{}] {}{} elapsed, ETA {} | best {}", r.evaluations.size(), space_size,
                  duration(r.elapsed_seconds), target.replay() ? " simulated" : "",
                  eta ? duration(*eta) : std::string("?"), best);
  // One line that \r can overwrite: no wider than the terminal.
  if (line.size() >= width) line.resize(width - 1);
  return line;
}

Json report_json(const Report& r) {
  Json evaluations = Json::array();
  for (const auto& e : r.result.evaluations)
    evaluations.push_back(tuner::evaluated_json(r.target.space, e));
  return Json{
      {"session", session_json(r)},
      {"evaluations", evaluations},
      {"best", best_json(r)},
      {"cpu_baseline", r.cpu_baseline ? Json(*r.cpu_baseline) : Json(nullptr)},
      {"cpu_baseline_skipped", r.cpu_baseline ? Json(nullptr) : Json(r.cpu_baseline_skipped)},
      {"transfers", r.transfers},
      {"transfers_skipped",
       r.transfers.empty() ? Json(r.target.transfers_skipped) : Json(nullptr)}};
}

void print_json(const Report& r) {
  ktune::cli::print_json(std::cout, report_json(r));
}

void print_table(const Report& r) {
  const auto& result = r.result;
  const auto& space = r.target.space;
  std::vector<const tuner::EvaluatedConfig*> correct;
  std::map<std::string, int> failures;
  for (const auto& e : result.evaluations) {
    if (e.evaluation.ok())
      correct.push_back(&e);
    else
      ++failures[to_string(e.evaluation.outcome)];
  }
  std::sort(correct.begin(), correct.end(), [](auto* a, auto* b) {
    return *a->evaluation.objective_ms() < *b->evaluation.objective_ms();
  });
  std::cout << fmt::format(
      "{} {} on {} ({} #{}), strategy {} seed {}{}: {} of {} configurations evaluated in {}{} "
      "({})\n",
      r.target.kernel, r.target.problem.canonical(), r.target.device.name, r.target.device.backend,
      r.target.device.index, r.options.strategy, r.options.seed,
      r.shard ? fmt::format(", shard {}/{}", r.shard->index, r.shard->count) : "",
      result.evaluations.size(), r.space_size, duration(result.elapsed_seconds),
      r.target.replay() ? " (simulated)" : "", tuner::describe(result.stop_reason));
  if (result.resumed)
    std::cout << fmt::format("{} evaluation(s) resumed from the database, none measured again\n",
                             result.resumed);
  Json rows = Json::array();
  for (std::size_t i = 0; i < correct.size() && i < 10; ++i) {
    const auto& ev = correct[i]->evaluation;
    rows.push_back({{"rank", i + 1},
                    {"config", space.canonical(correct[i]->config)},
                    {"time", ev.time},
                    {"gflops", optional_json(gflops(r.target, *ev.objective_ms()))}});
  }
  // A replay's objective is the recorded figure (Kernel Tuner: the mean of the runs).
  Columns columns = kRankingColumns;
  if (r.target.replay()) {
    columns[2].header = "recorded ms";
    columns.erase(columns.begin() + 4);  // no FLOP count for a recorded kernel
  }
  print_table(std::cout, columns, rows);
  for (const auto& [outcome, count] : failures)
    std::cout << fmt::format("{} variant(s) {}\n", count, outcome);

  const auto& v = r.verdict;
  if (!v.finalists.empty()) {
    std::cout << (v.remeasured
                      ? fmt::format("finalists, re-measured interleaved ({} rounds of {} runs):\n",
                                    r.options.finalists.rounds, r.options.finalists.runs_per_round)
                      : std::string("finalists (not re-measured: their recorded samples):\n"));
    for (const auto& f : v.finalists)
      std::cout << fmt::format("  {:.4f} ms [{:.4f}-{:.4f}]  {}\n", f.summary.median,
                               f.summary.ci_low, f.summary.ci_high,
                               space.canonical(result.evaluations[f.evaluation].config));
  }
  if (v.winner) {
    const auto& b = result.evaluations[*v.winner];
    const double ms = *b.evaluation.objective_ms();
    std::cout << fmt::format("best: {}  {:.4f} ms", space.canonical(b.config), ms);
    if (auto g = gflops(r.target, ms)) std::cout << fmt::format("  {:.2f} GFLOP/s", *g);
    if (result.default_config) {
      const auto& d = result.evaluations[*result.default_config];
      if (auto default_ms = d.evaluation.objective_ms())
        std::cout << fmt::format("  {:.2f}x over the default ({})", *default_ms / ms,
                                 space.canonical(d.config));
    }
    if (auto cpu = cpu_ms(r)) std::cout << fmt::format("  {:.2f}x vs the CPU", *cpu / ms);
    std::cout << '\n';
    if (!v.note.empty()) std::cout << "note: " << v.note << '\n';
    print_end_to_end(r, ms);
  } else {
    std::cout << "no configuration ran correctly\n";
  }
  if (const auto& b = r.cpu_baseline)
    std::cout << fmt::format(
        "CPU baseline: {} {:.4f} ms [{:.4f}-{:.4f}], {} runs, {} threads "
        "({}; {})\n",
        b->method, b->time.median, b->time.ci_low, b->time.ci_high, b->time.count, b->threads,
        b->library,
        b->reused ? fmt::format("stored {}, reused", b->created_at) : std::string("measured now"));
  else
    std::cout << "CPU baseline: " << r.cpu_baseline_skipped << '\n';
  std::cout << fmt::format("stored as session {} in {}", r.session.id, r.database);
  if (result.interrupted) std::cout << fmt::format(" (continue with --resume {})", r.session.id);
  std::cout << '\n';
}

}  // namespace ktune::cli
