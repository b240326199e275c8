#pragma once
// The common frame of the strategies that search a SpaceIndex: they propose points by number,
// never a point already evaluated or pending (a proposal that is would be replaced by a random
// fresh one, so every strategy covers the whole space given the budget), and learn through
// Observations.
#include <algorithm>
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
      : index_(std::move(index)), seen_(*index_), rng_(seed), pending_flag_(index_->size(), 0) {}

  std::optional<Config> next() final {
    if (seen_.remaining() <= pending_.size()) return std::nullopt;
    std::size_t point = choose();
    if (point >= index_->size() || taken(point)) point = random_free();
    pending_.push_back(point);
    pending_flag_[point] = 1;
    return index_->config(point);
  }

  void tell(const Config& config, const Evaluation& evaluation) final {
    const auto found = index_->find(config);
    const bool fresh = found && !seen_.visited(*found);
    if (found && pending_flag_[*found]) {
      pending_flag_[*found] = 0;
      pending_.erase(std::find(pending_.begin(), pending_.end(), *found));
    }
    auto point = seen_.record(config, evaluation);
    if (point && fresh) told(*point);
  }

 protected:
  // The next point to evaluate; should be neither evaluated nor pending (there is one).
  virtual std::size_t choose() = 0;
  // A point was evaluated for the first time (its result is in seen()). Points may be told
  // that were never proposed (the default configuration, or a resumed session's).
  virtual void told(std::size_t point) { (void)point; }

  const SpaceIndex& index() const { return *index_; }
  const std::shared_ptr<const SpaceIndex>& shared_index() const { return index_; }
  const Observations& seen() const { return seen_; }
  Rng& rng() { return rng_; }
  // Proposed and not yet told, in the order proposed.
  const std::vector<std::size_t>& pending() const { return pending_; }
  // Evaluated or pending: not to be proposed.
  bool taken(std::size_t point) const { return seen_.visited(point) || pending_flag_[point]; }
  // A uniformly random point neither evaluated nor pending (one draw when nothing is pending);
  // requires one.
  std::size_t random_free() {
    std::size_t point = seen_.random_unvisited(rng_);
    while (pending_flag_[point])
      point = seen_.random_unvisited(rng_);
    return point;
  }

 private:
  std::shared_ptr<const SpaceIndex> index_;
  Observations seen_;
  Rng rng_;
  std::vector<std::size_t> pending_;
  std::vector<std::uint8_t> pending_flag_;
};

}  // namespace ktune::tuner
