#include "tuner/strategies/auto.hpp"

#include <algorithm>
#include <unordered_set>

namespace ktune::tuner {

AutoStrategy::AutoStrategy(std::shared_ptr<const SpaceIndex> index, std::uint64_t seed,
                           AutoOptions options)
    : IndexedStrategy(std::move(index), seed),
      options_(options),
      surrogate_(this->index(), options.max_training) {
  if (options_.initial == 0) options_.initial = initial_design_size(this->index());
}

std::vector<std::size_t> AutoStrategy::local_candidates() const {
  std::unordered_set<std::size_t> near;
  std::size_t used = 0;
  for (auto p : seen().ranked(seen().count())) {
    bool any = false;
    for (auto q : index().neighbours(p, Neighbourhood::hamming))
      if (!seen().visited(q)) {
        near.insert(q);
        any = true;
      }
    if (any && ++used == options_.local_top) break;
  }
  std::vector<std::size_t> points(near.begin(), near.end());
  std::sort(points.begin(), points.end());  // independent of the hash table's order
  return points;
}

std::size_t AutoStrategy::propose() {
  if (seen().count() < options_.initial || !surrogate_.update(seen()))
    return spread_point(index(), seen(), rng());
  ++step_;
  std::vector<std::size_t> points;
  if (options_.local_every && step_ % options_.local_every == 0) points = local_candidates();
  if (points.empty()) points = candidate_points(index(), seen(), rng(), options_.candidates);
  return points[surrogate_.best_expected_improvement(points, options_.exploration)];
}

}  // namespace ktune::tuner
