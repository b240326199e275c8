#include "tuner/strategies/annealing.hpp"

#include <cmath>

namespace ktune::tuner {

bool AnnealingStrategy::accept(std::size_t candidate) {
  const auto value = seen().objective(candidate);
  if (!value) return false;  // a failed point is never a place to stand
  if (!current_) return true;
  const double here = *seen().objective(*current_);
  if (*value <= here) return true;
  const double worse = std::log(*value / here);
  return rng().chance(std::exp(-worse / temperature_));
}

std::size_t AnnealingStrategy::choose() {
  if (!current_) return random_free();
  for (int attempt = 0; attempt < options_.free_moves; ++attempt) {
    const auto neighbours = index().neighbours(*current_, Neighbourhood::hamming);
    if (neighbours.empty()) break;
    const std::size_t candidate = neighbours[rng().below(neighbours.size())];
    if (!taken(candidate)) return candidate;
    if (accept(candidate)) current_ = candidate;  // a known point: moving there is free
  }
  // Boxed in by evaluated points: start again somewhere new.
  current_.reset();
  return random_free();
}

void AnnealingStrategy::told(std::size_t point) {
  if (accept(point)) current_ = point;
  temperature_ *= options_.cooling;
  if (temperature_ < options_.final_temperature) {
    temperature_ = options_.initial_temperature;
    current_ = seen().best();
  }
}

}  // namespace ktune::tuner
