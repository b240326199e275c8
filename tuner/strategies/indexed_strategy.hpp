#pragma once
// The common frame of the strategies that search a SpaceIndex: they propose points by number,
// never a point already evaluated (a proposal that was is replaced by a random fresh one, so
// every strategy covers the whole space given the budget), and learn through Observations.
#include <cstdint>
#include <memory>

#include "space/space_index.hpp"
#include "tuner/strategies/observations.hpp"
#include "tuner/strategies/rng.hpp"
#include "tuner/strategy.hpp"

namespace ktune::tuner {

class IndexedStrategy : public Strategy {
 public:
  IndexedStrategy(std::shared_ptr<const SpaceIndex> index, std::uint64_t seed)
      : index_(std::move(index)), seen_(*index_), rng_(seed) {}

  std::optional<Config> next() final {
    if (seen_.exhausted()) return std::nullopt;
    std::size_t point = propose();
    if (point >= index_->size() || seen_.visited(point)) point = seen_.random_unvisited(rng_);
    return index_->config(point);
  }

  void tell(const Config& config, const Evaluation& evaluation) final {
    const bool fresh = [&] {
      auto p = index_->find(config);
      return p && !seen_.visited(*p);
    }();
    auto point = seen_.record(config, evaluation);
    if (point && fresh) told(*point);
  }

 protected:
  // The next point to evaluate; should be unvisited (seen().exhausted() is false).
  virtual std::size_t propose() = 0;
  // A point was evaluated for the first time (its result is in seen()). Points may be told
  // that were never proposed (the default configuration, or a resumed session's).
  virtual void told(std::size_t point) { (void)point; }

  const SpaceIndex& index() const { return *index_; }
  const std::shared_ptr<const SpaceIndex>& shared_index() const { return index_; }
  const Observations& seen() const { return seen_; }
  Rng& rng() { return rng_; }

 private:
  std::shared_ptr<const SpaceIndex> index_;
  Observations seen_;
  Rng rng_;
};

}  // namespace ktune::tuner
