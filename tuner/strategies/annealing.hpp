#pragma once
// Simulated annealing over the space's neighbourhoods: a walk that moves to a random neighbour
// when it is better, or worse by a factor the temperature tolerates (Metropolis on the log of
// the objective, so the walk is scale-free). Moves onto points already evaluated cost nothing;
// the walk restarts from the best point (reheated) when it cools down or is boxed in.
#include "tuner/strategies/indexed_strategy.hpp"

namespace ktune::tuner {

struct AnnealingOptions {
  double initial_temperature = 0.15;  // a 15% worse point is accepted with probability 1/e
  double cooling = 0.97;              // per evaluation
  double final_temperature = 0.005;   // then reheat and restart from the best point
  int free_moves = 64;                // moves over evaluated points per proposal, at most
};

class AnnealingStrategy final : public IndexedStrategy {
 public:
  AnnealingStrategy(std::shared_ptr<const SpaceIndex> index, std::uint64_t seed,
                    AnnealingOptions options = {})
      : IndexedStrategy(std::move(index), seed), options_(options) {
    temperature_ = options_.initial_temperature;
  }
  std::string name() const override { return "annealing"; }

 protected:
  std::size_t choose() override;
  void told(std::size_t point) override;

 private:
  // Metropolis: whether the walk moves from the current point to `candidate`.
  bool accept(std::size_t candidate);

  AnnealingOptions options_;
  std::optional<std::size_t> current_;
  double temperature_;
};

}  // namespace ktune::tuner
