#include "kernels/random_values.hpp"

namespace ktune::kernels {

std::vector<float> random_values(std::size_t count, std::mt19937_64& rng) {
  std::uniform_real_distribution<float> magnitude(1.0f / 64, 1.0f);
  std::vector<float> values(count);
  for (auto& x : values) {
    const bool negative = (rng() & 1) != 0;
    x = negative ? -magnitude(rng) : magnitude(rng);
  }
  return values;
}

}  // namespace ktune::kernels
