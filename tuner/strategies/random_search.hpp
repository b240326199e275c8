#pragma once
// Random search without replacement: every proposal a uniformly random point not yet evaluated.
#include "tuner/strategies/indexed_strategy.hpp"

namespace ktune::tuner {

class RandomStrategy final : public IndexedStrategy {
 public:
  using IndexedStrategy::IndexedStrategy;
  std::string name() const override { return "random"; }

 protected:
  std::size_t propose() override { return seen().random_unvisited(rng()); }
};

}  // namespace ktune::tuner
