#pragma once
// Random search without replacement: every proposal a uniformly random point not yet evaluated
// (nor pending).
#include "tuner/strategies/indexed_strategy.hpp"

namespace ktune::tuner {

class RandomStrategy final : public IndexedStrategy {
 public:
  using IndexedStrategy::IndexedStrategy;
  std::string name() const override { return "random"; }

 protected:
  std::size_t choose() override { return random_free(); }
};

}  // namespace ktune::tuner
