#include "cli/tune_report.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/table.hpp"

namespace ktune::cli {
namespace {

nlohmann::ordered_json config_json(const Space& space, const Config& config) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < space.params().size(); ++i) {
    const auto& p = space.params()[i];
    if (p.kind == Param::Kind::choice)
      j[p.name] = p.format(config.values[i]);
    else
      j[p.name] = config.values[i];
  }
  return j;
}

nlohmann::ordered_json optional_json(std::optional<double> value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json();
}

std::optional<double> gflops(const Target& t, double ms) {
  if (!t.family || ms <= 0) return std::nullopt;
  return t.family->flops(t.problem) / (ms * 1e-3) / 1e9;
}

nlohmann::ordered_json summary_json(const Summary& s) {
  return {{"median_ms", s.median}, {"ci_ms", {s.ci_low, s.ci_high}}, {"samples", s.count}};
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

void print_json(const Report& r) {
  const auto& result = r.result;
  const auto& space = r.target.space;
  nlohmann::ordered_json evaluations = nlohmann::ordered_json::array();
  for (const auto& e : result.evaluations) {
    const auto& ev = e.evaluation;
    evaluations.push_back(
        {{"index", e.index},
         {"config", config_json(space, e.config)},
         {"objective_ms", optional_json(ev.objective_ms())},
         {"outcome", to_string(ev.outcome)},
         {"message", ev.message},
         {"samples", ev.samples_ms.size()},
         {"ci_ms", ev.time.count ? nlohmann::ordered_json{ev.time.ci_low, ev.time.ci_high}
                                 : nlohmann::ordered_json()},
         {"compile_ms", ev.compile_ms},
         {"cost_ms", ev.cost_ms},
         {"at_s", e.at_seconds},
         {"resumed", e.resumed},
         {"max_error", ev.max_error && std::isfinite(*ev.max_error)
                           ? nlohmann::ordered_json(*ev.max_error)
                           : nlohmann::ordered_json()}});
  }
  nlohmann::ordered_json budget = {
      {"evaluations",
       r.budget.evaluations ? nlohmann::ordered_json(*r.budget.evaluations) : nullptr},
      {"seconds", optional_json(r.budget.seconds)},
      {"stagnation", r.budget.stagnation ? nlohmann::ordered_json(*r.budget.stagnation) : nullptr}};
  nlohmann::ordered_json doc;
  doc["session"] = {{"id", r.session_id},
                    {"database", r.database},
                    {"kernel", r.target.kernel},
                    {"problem", r.target.problem.canonical()},
                    {"backend", r.target.device.backend},
                    {"device", r.target.device.name},
                    {"dataset", r.target.replay() ? nlohmann::ordered_json(r.options.dataset)
                                                  : nlohmann::ordered_json()},
                    {"strategy", r.options.strategy},
                    {"seed", r.options.seed},
                    {"space_size", r.space_size},
                    {"shard", r.shard ? nlohmann::ordered_json(
                                            fmt::format("{}/{}", r.shard->index, r.shard->count))
                                      : nlohmann::ordered_json()},
                    {"budget", budget},
                    {"evaluations", result.evaluations.size()},
                    {"resumed", result.resumed},
                    {"stop_reason", result.stop_reason},
                    {"elapsed_s", result.elapsed_seconds},
                    {"simulated_time", r.target.replay()}};
  doc["evaluations"] = evaluations;
  const auto& v = r.verdict;
  if (v.winner) {
    const auto& b = result.evaluations[*v.winner];
    const double ms = *b.evaluation.objective_ms();
    nlohmann::ordered_json best = {
        {"index", b.index},
        {"config", config_json(space, b.config)},
        {"canonical", space.canonical(b.config)},
        {"objective_ms", ms},
        {"ci_ms", {b.evaluation.time.ci_low, b.evaluation.time.ci_high}},
        {"gflops", optional_json(gflops(r.target, ms))},
        {"speedup_over_default", nullptr},
        {"remeasured", v.remeasured},
        {"finalists", nlohmann::ordered_json::array()},
        {"p_value_vs_runner_up", optional_json(v.p_value)},
        {"indistinguishable_from_runner_up", v.finalists.empty()
                                                 ? nlohmann::ordered_json()
                                                 : nlohmann::ordered_json(v.indistinguishable)},
        {"note", v.note}};
    if (result.default_config) {
      const auto default_ms = result.evaluations[*result.default_config].evaluation.objective_ms();
      if (default_ms) best["speedup_over_default"] = *default_ms / ms;
    }
    for (const auto& f : v.finalists) {
      auto entry = summary_json(f.summary);
      entry["index"] = result.evaluations[f.evaluation].index;
      entry["config"] = config_json(space, result.evaluations[f.evaluation].config);
      best["finalists"].push_back(entry);
    }
    doc["best"] = best;
  } else {
    doc["best"] = nullptr;
  }
  std::cout << doc.dump(2) << '\n';
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
      ++failures[std::string(to_string(e.evaluation.outcome))];
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
      r.target.replay() ? " (simulated)" : "", result.stop_reason);
  if (result.resumed)
    std::cout << fmt::format("{} evaluation(s) resumed from the database, none measured again\n",
                             result.resumed);
  const bool has_flops = r.target.family != nullptr;
  // A replay's objective is the recorded figure (Kernel Tuner: the mean of the runs).
  std::vector<std::string> header{"rank", "configuration",
                                  r.target.replay() ? "recorded ms" : "median ms", "95% CI ms"};
  if (has_flops) header.push_back("GFLOP/s");
  header.push_back("runs");
  Table table(header);
  for (std::size_t i = 0; i < correct.size() && i < 10; ++i) {
    const auto& ev = correct[i]->evaluation;
    std::vector<std::string> row{std::to_string(i + 1), space.canonical(correct[i]->config),
                                 fmt::format("{:.4f}", *ev.objective_ms()),
                                 fmt::format("{:.4f}-{:.4f}", ev.time.ci_low, ev.time.ci_high)};
    if (has_flops) row.push_back(fmt::format("{:.2f}", *gflops(r.target, *ev.objective_ms())));
    row.push_back(std::to_string(ev.samples_ms.size()));
    table.add(std::move(row));
  }
  table.print(std::cout);
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
    std::cout << '\n';
    if (!v.note.empty()) std::cout << "note: " << v.note << '\n';
  } else {
    std::cout << "no configuration ran correctly\n";
  }
  std::cout << fmt::format("stored as session {} in {}", r.session_id, r.database);
  if (result.interrupted) std::cout << fmt::format(" (continue with --resume {})", r.session_id);
  std::cout << '\n';
}

}  // namespace ktune::cli
