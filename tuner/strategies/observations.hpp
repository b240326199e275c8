#pragma once
// What a strategy has learnt so far about the points of a SpaceIndex: which were evaluated, in
// what order, and what each gave (its objective, or a failure). Keeps the unvisited points in
// a list with O(1) removal so drawing a fresh point is cheap even late in a large space.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/evaluation.hpp"
#include "space/space_index.hpp"
#include "tuner/strategies/rng.hpp"

namespace ktune::tuner {

class Observations {
 public:
  explicit Observations(const SpaceIndex& index);

  // Records an evaluation; returns its point, or nullopt when the configuration is not in the
  // index. A point told twice keeps its first result.
  std::optional<std::size_t> record(const Config& config, const Evaluation& evaluation);

  bool visited(std::size_t point) const { return state_[point] != kUnvisited; }
  bool failed(std::size_t point) const { return state_[point] == kFailed; }
  // The objective (ms) of a point that evaluated correct.
  std::optional<double> objective(std::size_t point) const {
    if (state_[point] != kCorrect) return std::nullopt;
    return objective_[point];
  }
  std::size_t count() const { return order_.size(); }
  std::size_t remaining() const { return unvisited_.size(); }
  bool exhausted() const { return unvisited_.empty(); }
  const std::vector<std::size_t>& order() const { return order_; }  // points, as told
  std::optional<std::size_t> best() const { return best_; }
  // Told points that evaluated correct, best first (at most `limit`).
  std::vector<std::size_t> ranked(std::size_t limit) const;

  // A uniformly random unvisited point; requires !exhausted().
  std::size_t random_unvisited(Rng& rng) const { return unvisited_[rng.below(unvisited_.size())]; }
  const std::vector<std::size_t>& unvisited() const { return unvisited_; }

 private:
  static constexpr std::uint8_t kUnvisited = 0, kCorrect = 1, kFailed = 2;
  const SpaceIndex& index_;
  std::vector<std::uint8_t> state_;
  std::vector<double> objective_;
  std::vector<std::size_t> order_;
  std::vector<std::size_t> unvisited_;
  std::vector<std::size_t> where_;  // position of each unvisited point in unvisited_
  std::optional<std::size_t> best_;
};

}  // namespace ktune::tuner
