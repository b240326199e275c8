#include "tuner/strategies/genetic.hpp"

#include <algorithm>
#include <limits>
#include <unordered_set>

namespace ktune::tuner {

GeneticStrategy::GeneticStrategy(std::shared_ptr<const SpaceIndex> index, std::uint64_t seed,
                                 GeneticOptions options)
    : IndexedStrategy(std::move(index), seed), options_(options) {
  if (options_.population < 2) options_.population = 2;
  if (options_.mutation <= 0)
    options_.mutation =
        1.0 / static_cast<double>(std::max<std::size_t>(1, this->index().varying().size()));
}

bool GeneticStrategy::better(std::size_t a, std::size_t b) const {
  const auto va = seen().objective(a), vb = seen().objective(b);
  if (va && vb) return *va < *vb || (*va == *vb && a < b);
  if (va != vb) return va.has_value();
  return a < b;
}

std::size_t GeneticStrategy::select() {
  std::size_t winner = population_[rng().below(population_.size())];
  for (std::size_t i = 1; i < options_.tournament; ++i) {
    const std::size_t other = population_[rng().below(population_.size())];
    if (better(other, winner)) winner = other;
  }
  return winner;
}

std::size_t GeneticStrategy::repair(std::vector<std::uint32_t> positions, std::size_t parent) {
  const auto& idx = index();
  for (;;) {
    if (auto found = idx.find_positions(positions)) return *found;
    std::vector<std::size_t> differing;
    for (std::size_t p = 0; p < idx.dimensions(); ++p)
      if (positions[p] != idx.position(parent, p)) differing.push_back(p);
    if (differing.empty()) return parent;
    const std::size_t p = differing[rng().below(differing.size())];
    positions[p] = idx.position(parent, p);
  }
}

std::size_t GeneticStrategy::child(std::size_t a, std::size_t b) {
  const auto& idx = index();
  std::vector<std::uint32_t> positions = idx.positions(a);
  for (std::size_t p = 0; p < idx.dimensions(); ++p)
    if (rng().chance(0.5)) positions[p] = idx.position(b, p);
  for (auto p : idx.varying()) {
    if (!rng().chance(options_.mutation)) continue;
    const auto levels = idx.levels(p);
    const auto shift = 1 + static_cast<std::uint32_t>(rng().below(levels - 1));
    positions[p] = (positions[p] + shift) % levels;
  }
  return repair(std::move(positions), a);
}

void GeneticStrategy::breed() {
  // Survivors: the best of the population and everything told since (failed points last).
  std::vector<std::size_t> candidates = population_;
  candidates.insert(candidates.end(), pool_.begin(), pool_.end());
  pool_.clear();
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  std::sort(candidates.begin(), candidates.end(),
            [&](std::size_t a, std::size_t b) { return better(a, b); });
  if (candidates.size() > options_.population) candidates.resize(options_.population);
  population_ = std::move(candidates);

  std::unordered_set<std::size_t> planned;
  if (population_.size() < 2) {
    // Nothing to breed from yet: a random first generation.
    while (queue_.size() < options_.population && planned.size() < seen().remaining()) {
      const std::size_t p = seen().random_unvisited(rng());
      if (planned.insert(p).second) queue_.push_back(p);
    }
    return;
  }
  // Known children join the next selection for free; unknown ones are queued. A population
  // that keeps producing known points has converged: immigrants bring fresh material.
  const std::size_t attempts = 8 * options_.population;
  for (std::size_t i = 0; i < attempts && queue_.size() < options_.population; ++i) {
    const std::size_t a = select();
    const std::size_t b = select();
    const std::size_t c = child(a, b);
    if (!taken(c)) {
      if (planned.insert(c).second) queue_.push_back(c);
    } else if (seen().visited(c) && c != a && c != b) {
      pool_.push_back(c);
    }
  }
  while (queue_.size() < options_.population / 2 && planned.size() < seen().remaining()) {
    const std::size_t p = seen().random_unvisited(rng());
    if (planned.insert(p).second) queue_.push_back(p);
  }
}

std::size_t GeneticStrategy::choose() {
  while (!queue_.empty() && taken(queue_.front()))
    queue_.pop_front();
  if (queue_.empty()) breed();
  while (!queue_.empty() && taken(queue_.front()))
    queue_.pop_front();
  if (queue_.empty()) return random_free();
  const std::size_t p = queue_.front();
  queue_.pop_front();
  return p;
}

}  // namespace ktune::tuner
