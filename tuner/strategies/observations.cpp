#include "tuner/strategies/observations.hpp"

#include <algorithm>

namespace ktune::tuner {

Observations::Observations(const SpaceIndex& index)
    : index_(index),
      state_(index.size(), kUnvisited),
      objective_(index.size(), 0.0),
      unvisited_(index.size()),
      where_(index.size()) {
  for (std::size_t i = 0; i < index.size(); ++i) {
    unvisited_[i] = i;
    where_[i] = i;
  }
}

std::optional<std::size_t> Observations::record(const Config& config,
                                                const Evaluation& evaluation) {
  auto point = index_.find(config);
  if (!point) return std::nullopt;
  const std::size_t p = *point;
  if (state_[p] != kUnvisited) return p;
  const auto ms = evaluation.objective_ms();
  state_[p] = ms ? kCorrect : kFailed;
  if (ms) {
    objective_[p] = *ms;
    if (!best_ || *ms < objective_[*best_]) best_ = p;
  }
  order_.push_back(p);
  // Swap-remove from the unvisited list.
  const std::size_t at = where_[p];
  const std::size_t last = unvisited_.back();
  unvisited_[at] = last;
  where_[last] = at;
  unvisited_.pop_back();
  return p;
}

std::vector<std::size_t> Observations::ranked(std::size_t limit) const {
  std::vector<std::size_t> correct;
  for (auto p : order_)
    if (state_[p] == kCorrect) correct.push_back(p);
  const std::size_t n = std::min(limit, correct.size());
  std::partial_sort(correct.begin(), correct.begin() + static_cast<std::ptrdiff_t>(n),
                    correct.end(), [&](std::size_t a, std::size_t b) {
                      if (objective_[a] != objective_[b]) return objective_[a] < objective_[b];
                      return a < b;
                    });
  correct.resize(n);
  return correct;
}

}  // namespace ktune::tuner
