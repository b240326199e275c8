#include "tuner/strategies/bayesian.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

namespace ktune::tuner {

std::size_t initial_design_size(const SpaceIndex& index) {
  return std::max<std::size_t>(8, index.varying().size() + 2);
}

namespace {

BayesianOptions with_initial(BayesianOptions options, const SpaceIndex& index) {
  if (options.initial == 0) options.initial = initial_design_size(index);
  return options;
}

}  // namespace

BayesianStrategy::BayesianStrategy(std::shared_ptr<const SpaceIndex> index, std::uint64_t seed,
                                   BayesianOptions options, std::string name)
    : IndexedStrategy(std::move(index), seed),
      options_(with_initial(options, this->index())),
      name_(std::move(name)),
      surrogate_(this->index(), options_.max_training, options_.candidates, options_.initial,
                 options_.lie) {}

std::size_t BayesianStrategy::spread_point(std::size_t tries) {
  std::size_t best = random_free();
  if (seen().count() == 0 && pending().empty()) return best;
  double best_distance = -1;
  const auto& idx = index();
  const auto& varying = idx.varying();
  auto nearest_to = [&](std::size_t c) {
    double nearest = std::numeric_limits<double>::infinity();
    auto consider = [&](std::size_t s) {
      double d2 = 0;
      for (auto p : varying) {
        const double a = static_cast<double>(idx.position(c, p)) / (idx.levels(p) - 1);
        const double b = static_cast<double>(idx.position(s, p)) / (idx.levels(p) - 1);
        d2 += (a - b) * (a - b);
      }
      nearest = std::min(nearest, d2);
    };
    for (auto s : seen().order())
      consider(s);
    for (auto s : pending())
      consider(s);
    return nearest;
  };
  for (std::size_t t = 0; t < tries; ++t) {
    const std::size_t c = t == 0 ? best : random_free();
    const double nearest = nearest_to(c);
    if (nearest > best_distance) {
      best_distance = nearest;
      best = c;
    }
  }
  return best;
}

void BayesianStrategy::refresh_pool() {
  // A space too large to score whole: a fixed random sample, whose kernel rows the model
  // keeps, drawn again once half of it is taken.
  std::size_t free = 0;
  for (auto p : pool_)
    free += taken(p) ? 0 : 1;
  if (!pool_.empty() && 2 * free >= pool_.size()) return;
  const std::size_t size = std::min(options_.candidates, seen().remaining() - pending().size());
  std::unordered_set<std::size_t> chosen;
  while (chosen.size() < size)
    chosen.insert(random_free());
  pool_.assign(chosen.begin(), chosen.end());
  std::sort(pool_.begin(), pool_.end());  // independent of the hash table's order
  surrogate_.set_pool(pool_);
}

std::vector<std::size_t> BayesianStrategy::global_candidates() const {
  std::vector<std::size_t> points;
  if (index().size() <= options_.candidates) {
    for (auto p : seen().unvisited())
      if (!taken(p)) points.push_back(p);
    return points;
  }
  // The free part of the pool, and the free neighbours of the best points.
  std::unordered_set<std::size_t> chosen;
  for (auto p : pool_)
    if (!taken(p)) chosen.insert(p);
  for (auto p : seen().ranked(8))
    for (auto q : index().neighbours(p, Neighbourhood::hamming))
      if (!taken(q)) chosen.insert(q);
  points.assign(chosen.begin(), chosen.end());
  std::sort(points.begin(), points.end());
  return points;
}

std::vector<std::size_t> BayesianStrategy::local_candidates() const {
  std::unordered_set<std::size_t> near;
  std::size_t used = 0;
  const std::unordered_set<std::size_t> in_flight(pending().begin(), pending().end());
  for (auto p : seen().ranked(seen().count())) {
    // A best point with a pending neighbour is being combed by a proposal still in flight:
    // the next local proposal of the batch goes to another one's neighbourhood (nothing is
    // pending when a single device's search chooses, so that search is unchanged).
    if (!in_flight.empty() && is_explored(p, in_flight)) continue;
    bool any = false;
    for (auto q : index().neighbours(p, Neighbourhood::hamming))
      if (!taken(q)) {
        near.insert(q);
        any = true;
      }
    if (any && ++used == options_.local_top) break;
  }
  std::vector<std::size_t> points(near.begin(), near.end());
  std::sort(points.begin(), points.end());  // independent of the hash table's order
  return points;
}

bool BayesianStrategy::is_explored(std::size_t point,
                                   const std::unordered_set<std::size_t>& in_flight) const {
  const auto near = index().neighbours(point, Neighbourhood::hamming);
  return std::any_of(near.begin(), near.end(),
                     [&](std::size_t q) { return in_flight.contains(q); });
}

std::size_t BayesianStrategy::choose() {
  if (seen().count() < options_.initial) return spread_point();
  if (index().size() > options_.candidates) refresh_pool();
  if (!surrogate_.update(seen(), pending())) return spread_point();
  ++step_;
  std::vector<std::size_t> points;
  if (options_.local_every && step_ % options_.local_every == 0) points = local_candidates();
  if (points.empty()) points = global_candidates();
  if (points.empty()) return random_free();
  return points[surrogate_.best_expected_improvement(points, options_.exploration)];
}

}  // namespace ktune::tuner
