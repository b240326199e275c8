#pragma once
// A small constrained space with a known landscape, and an evaluator over it that counts what
// it is asked: for testing strategies, sessions and the choice of the winner without a device.
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <vector>

#include "profiles/evaluator.hpp"
#include "space/space.hpp"

namespace ktune::tuner::test {

// 4 x 5 x 3 x 2 x 3 = 360 points, some of them invalid by a constraint.
inline Space synthetic_space() {
  Space space({Param::integer("BX", {8, 16, 24, 32}, 16), Param::integer("BY", {1, 2, 4, 8, 16}, 4),
               Param::integer("T", {1, 2, 3}, 1), Param::boolean("SMEM", false),
               Param::choice("ALGO", {"direct", "tiled", "wide"}, "direct")},
              {{"max_threads", 256}});
  space.add_constraint("BX * BY <= max_threads");
  space.add_constraint("ALGO != wide || T > 1");
  return space;
}

// A smooth bowl in the positions with interactions, a unique optimum at BX=24, BY=4, T=2,
// SMEM=1, ALGO=tiled, and failures where BX=8 and BY=16 (a "launch error").
class SyntheticEvaluator final : public profiles::Evaluator {
 public:
  explicit SyntheticEvaluator(const Space& space) : space_(space) { device_.backend = "test"; }

  static bool fails(const Space& space, const Config& c) {
    return space.value(c, "BX") == 8 && space.value(c, "BY") == 16;
  }
  static double time_ms(const Space& space, const Config& c) {
    const double bx = static_cast<double>(space.value(c, "BX"));
    const double by = std::log2(static_cast<double>(space.value(c, "BY")));
    const double t = static_cast<double>(space.value(c, "T"));
    const double smem = static_cast<double>(space.value(c, "SMEM"));
    const double algo = static_cast<double>(space.value(c, "ALGO"));
    return 1.0 + 0.002 * (bx - 24) * (bx - 24) + 0.1 * (by - 2) * (by - 2) +
           0.2 * (t - 2) * (t - 2) + (smem ? 0.0 : 0.15 + 0.05 * t) +
           (algo == 1 ? 0.0 : 0.3 + 0.01 * bx / 8);
  }

  const DeviceInfo& device() const override { return device_; }
  void prepare_ahead(std::span<const Config> configs) override {
    batches.emplace_back(configs.begin(), configs.end());
    prepared.insert(configs.begin(), configs.end());
  }
  Evaluation evaluate(const Config& config) override {
    ++evaluations[config];
    if (prepared.contains(config)) ++evaluated_prepared;
    Evaluation e;
    e.cost_ms = 1000;  // one simulated second each
    if (fails(space_, config)) {
      e.outcome = Outcome::launch_error;
      e.message = "synthetic failure";
      return e;
    }
    const double ms = time_ms(space_, config);
    e.outcome = Outcome::correct;
    e.samples_ms = {ms * 0.99, ms, ms * 1.01};
    e.time = summarize(e.samples_ms);
    return e;
  }
  std::vector<double> sample(const Config& config, int runs) override {
    sampled.push_back(config);
    std::vector<double> s;
    const double ms = time_ms(space_, config);
    for (int i = 0; i < runs; ++i)
      s.push_back(ms * (1.0 + 0.001 * static_cast<double>((sample_counter++ % 5))));
    return s;
  }

  std::map<Config, int> evaluations;         // how often each configuration was evaluated
  std::vector<Config> sampled;               // sample() calls, in order
  std::vector<std::vector<Config>> batches;  // prepare_ahead() calls
  std::set<Config> prepared;                 // every configuration handed to prepare_ahead()
  std::size_t evaluated_prepared = 0;        // evaluations of a configuration prepared before

 private:
  const Space& space_;
  DeviceInfo device_;
  std::uint64_t sample_counter = 0;
};

}  // namespace ktune::tuner::test
