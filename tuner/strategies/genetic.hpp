#pragma once
// A genetic algorithm: a population of evaluated points; children by tournament selection,
// uniform crossover and per-parameter mutation, repaired into the valid space by stepping back
// towards a parent; the next population is the best of parents and children (elitist). Children
// that were evaluated before join at no cost; a population that only breeds known points gets
// random immigrants.
#include <deque>

#include "tuner/strategies/indexed_strategy.hpp"

namespace ktune::tuner {

struct GeneticOptions {
  std::size_t population = 20;
  double mutation = 0.0;  // per parameter; 0: one over the number of varying parameters
  std::size_t tournament = 3;
};

class GeneticStrategy final : public IndexedStrategy {
 public:
  GeneticStrategy(std::shared_ptr<const SpaceIndex> index, std::uint64_t seed,
                  GeneticOptions options = {});
  std::string name() const override { return "genetic"; }

 protected:
  std::size_t choose() override;
  void told(std::size_t point) override { pool_.push_back(point); }

 private:
  void breed();
  std::size_t select();
  std::size_t child(std::size_t a, std::size_t b);
  // Moves `positions` back towards `parent` one parameter at a time until it is a point.
  std::size_t repair(std::vector<std::uint32_t> positions, std::size_t parent);
  bool better(std::size_t a, std::size_t b) const;

  GeneticOptions options_;
  std::vector<std::size_t> population_;
  std::vector<std::size_t> pool_;  // told since the last generation
  std::deque<std::size_t> queue_;  // children to evaluate
};

}  // namespace ktune::tuner
