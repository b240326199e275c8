#include "tuner/finalists.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

namespace ktune::tuner {

double sign_test(std::size_t wins, std::size_t trials) {
  if (trials == 0) return 1.0;
  const std::size_t k = std::min(wins, trials - wins);
  // P(X <= k) for X ~ Binomial(trials, 1/2), in log space.
  double tail = 0;
  const double n = static_cast<double>(trials);
  for (std::size_t j = 0; j <= k; ++j) {
    const double jj = static_cast<double>(j);
    tail += std::exp(std::lgamma(n + 1) - std::lgamma(jj + 1) - std::lgamma(n - jj + 1) +
                     n * std::log(0.5));
  }
  return std::min(1.0, 2.0 * tail);
}

double mann_whitney(std::span<const double> a, std::span<const double> b) {
  const std::size_t n1 = a.size(), n2 = b.size();
  if (n1 == 0 || n2 == 0) return 1.0;
  std::vector<std::pair<double, int>> all;
  for (double x : a)
    all.emplace_back(x, 0);
  for (double x : b)
    all.emplace_back(x, 1);
  std::sort(all.begin(), all.end());
  // Mid-ranks for ties; the tie correction term sum(t^3 - t).
  double rank_sum_a = 0, ties = 0;
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j].first == all[i].first)
      ++j;
    const double mid = (static_cast<double>(i) + static_cast<double>(j) + 1) / 2.0;
    for (std::size_t k = i; k < j; ++k)
      if (all[k].second == 0) rank_sum_a += mid;
    const double t = static_cast<double>(j - i);
    ties += t * t * t - t;
    i = j;
  }
  const double m1 = static_cast<double>(n1), m2 = static_cast<double>(n2), n = m1 + m2;
  const double u = rank_sum_a - m1 * (m1 + 1) / 2.0;
  const double mean = m1 * m2 / 2.0;
  const double var = m1 * m2 / 12.0 * ((n + 1) - ties / (n * (n - 1)));
  if (var <= 0) return 1.0;
  const double z = std::max(0.0, std::abs(u - mean) - 0.5) / std::sqrt(var);
  return std::min(1.0, std::erfc(z / std::sqrt(2.0)));
}

RunnerUpTest test_against_runner_up(std::span<const double> winner, double winner_median,
                                    std::span<const double> runner_up, double runner_up_median,
                                    bool interleaved, double alpha) {
  RunnerUpTest t;
  // Told apart only when the test rejects equality and the samples agree with the ranking
  // (a two-sided test can reject because the winner's samples are the slower ones).
  bool agrees = summarize(winner).median < summarize(runner_up).median;
  if (interleaved) {
    // Pairs: the j-th sample of each finalist in the same round were taken moments apart.
    std::size_t wins = 0, trials = 0;
    for (std::size_t j = 0; j < winner.size() && j < runner_up.size(); ++j) {
      if (winner[j] == runner_up[j]) continue;
      ++trials;
      if (winner[j] < runner_up[j]) ++wins;
    }
    t.p_value = sign_test(wins, trials);
    agrees = agrees && 2 * wins > trials;
    t.test = fmt::format("sign test over {} interleaved pairs", trials);
  } else {
    t.p_value = mann_whitney(winner, runner_up);
    t.test = fmt::format("Mann-Whitney U over {} and {} recorded samples", winner.size(),
                         runner_up.size());
  }
  const double gap = runner_up_median / winner_median - 1.0;
  t.indistinguishable = t.p_value >= alpha || !agrees;
  if (t.indistinguishable && !agrees)
    t.note = fmt::format(
        "statistically indistinguishable from the runner-up ({:.1f}% slower by its objective, but "
        "its samples are not the slower ones; {}): either is as good a choice",
        100 * gap, t.test);
  else if (t.indistinguishable)
    t.note = fmt::format(
        "statistically indistinguishable from the runner-up ({:.1f}% slower, p = {:.2g}, {}): "
        "either is as good a choice",
        100 * gap, t.p_value, t.test);
  else
    t.note = fmt::format("faster than the runner-up by {:.1f}% (p = {:.2g}, {})", 100 * gap,
                         t.p_value, t.test);
  return t;
}

Verdict choose_winner(const TuneResult& result, profiles::Evaluator& evaluator,
                      const FinalistOptions& options, const std::atomic<bool>* stop) {
  Verdict verdict;
  verdict.winner = result.best;
  std::vector<std::size_t> ranked;
  for (std::size_t i = 0; i < result.evaluations.size(); ++i)
    if (result.evaluations[i].evaluation.objective_ms()) ranked.push_back(i);
  std::sort(ranked.begin(), ranked.end(), [&](std::size_t a, std::size_t b) {
    const double ma = *result.evaluations[a].evaluation.objective_ms();
    const double mb = *result.evaluations[b].evaluation.objective_ms();
    return ma != mb ? ma < mb : a < b;
  });
  if (options.count < 2 || ranked.size() < 2) return verdict;
  ranked.resize(std::min(ranked.size(), options.count));

  for (auto i : ranked)
    verdict.finalists.push_back({i, {}, {}});
  // Interleaved re-measurement; the order rotates each round so no finalist always goes first.
  bool fresh = options.rounds > 0 && options.runs_per_round > 0;
  for (int round = 0; fresh && round < options.rounds; ++round) {
    for (std::size_t k = 0; fresh && k < verdict.finalists.size(); ++k) {
      if (stop && stop->load()) {
        fresh = false;
        break;
      }
      auto& f = verdict.finalists[(k + static_cast<std::size_t>(round)) % verdict.finalists.size()];
      const auto samples =
          evaluator.sample(result.evaluations[f.evaluation].config, options.runs_per_round);
      if (static_cast<int>(samples.size()) != options.runs_per_round) fresh = false;
      f.samples.insert(f.samples.end(), samples.begin(), samples.end());
    }
  }
  verdict.remeasured = fresh;
  for (auto& f : verdict.finalists) {
    if (!fresh) f.samples = result.evaluations[f.evaluation].evaluation.samples_ms;
    f.summary = summarize(f.samples);
    if (!fresh) f.summary.median = *result.evaluations[f.evaluation].evaluation.objective_ms();
  }
  std::stable_sort(
      verdict.finalists.begin(), verdict.finalists.end(),
      [](const Finalist& a, const Finalist& b) { return a.summary.median < b.summary.median; });
  const auto& first = verdict.finalists[0];
  const auto& second = verdict.finalists[1];
  verdict.winner = first.evaluation;

  const auto judged = test_against_runner_up(first.samples, first.summary.median, second.samples,
                                             second.summary.median, fresh, options.alpha);
  verdict.p_value = judged.p_value;
  verdict.test = judged.test;
  verdict.indistinguishable = judged.indistinguishable;
  verdict.note = judged.note;
  return verdict;
}

}  // namespace ktune::tuner
