#pragma once
// Choosing the winner so that it is not merely the luckiest sample: the best few
// configurations of a session are measured again, interleaved (A B C A B C ...) so that drift
// of the machine (clocks, temperature, other load) falls on all of them alike, and the winner
// is the one with the lowest median of those fresh samples. A paired sign test over the
// interleaved samples says whether it is told apart from the runner-up. Where configurations
// cannot be run again (a replay), the search's own samples are compared (Mann-Whitney U).
#include <atomic>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/statistics.hpp"
#include "profiles/evaluator.hpp"
#include "tuner/session.hpp"

namespace ktune::tuner {

struct FinalistOptions {
  std::size_t count = 3;  // configurations re-measured; 0 or 1: the search's best wins as is
  int rounds = 5;         // each round measures every finalist once, in rotating order
  int runs_per_round = 3;
  double alpha = 0.05;  // significance level of "told apart from the runner-up"
};

struct Finalist {
  std::size_t evaluation = 0;   // into TuneResult::evaluations
  std::vector<double> samples;  // the re-measurement (or the search's samples, when not re-run)
  Summary summary;
};

struct Verdict {
  std::vector<Finalist> finalists;    // best first; empty when fewer than two ran correctly
  bool remeasured = false;            // fresh interleaved samples (else the search's samples)
  std::optional<std::size_t> winner;  // into TuneResult::evaluations
  std::optional<double> p_value;      // winner against the runner-up, two-sided
  std::string test;                   // "sign test, 15 interleaved pairs", ...
  bool indistinguishable = false;
  std::string note;  // for people: what the comparison says
};

// The winner against the runner-up: whether the samples tell them apart, and a sentence saying
// so. `interleaved`: the j-th samples of both were taken moments apart (a paired sign test);
// else the two sets are compared as they are (Mann-Whitney U). The medians are what the two are
// ranked by.
struct RunnerUpTest {
  double p_value = 1;  // two-sided
  std::string test;    // "sign test over 15 interleaved pairs", ...
  bool indistinguishable = false;
  std::string note;
};
RunnerUpTest test_against_runner_up(std::span<const double> winner, double winner_median,
                                    std::span<const double> runner_up, double runner_up_median,
                                    bool interleaved, double alpha);

Verdict choose_winner(const TuneResult& result, profiles::Evaluator& evaluator,
                      const FinalistOptions& options, const std::atomic<bool>* stop = nullptr);

// Two-sided exact sign test: p-value of `wins` successes out of `trials` under p = 1/2.
double sign_test(std::size_t wins, std::size_t trials);
// Two-sided Mann-Whitney U test (normal approximation with tie correction and continuity
// correction): p-value that samples a and b come from the same distribution.
double mann_whitney(std::span<const double> a, std::span<const double> b);

}  // namespace ktune::tuner
