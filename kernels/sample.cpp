#include "kernels/sample.hpp"

#include <algorithm>
#include <numeric>
#include <random>
#include <set>

namespace ktune::kernels {

std::vector<Config> covering_sample(const Space& space, std::size_t count, std::uint64_t seed) {
  const auto valid = space.enumerate();
  std::vector<std::size_t> order(valid.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);

  std::vector<Config> sample;
  std::set<std::size_t> taken;
  auto take = [&](std::size_t index) {
    if (taken.insert(index).second) sample.push_back(valid[index]);
  };
  const auto def = space.default_config();
  if (auto it = std::find(valid.begin(), valid.end(), def); it != valid.end())
    take(static_cast<std::size_t>(it - valid.begin()));

  const auto& params = space.params();
  for (std::size_t p = 0; p < params.size(); ++p) {
    for (const auto value : params[p].values) {
      const bool covered = std::any_of(sample.begin(), sample.end(),
                                       [&](const Config& c) { return c.values[p] == value; });
      if (covered) continue;
      for (const auto index : order) {
        if (valid[index].values[p] == value) {
          take(index);
          break;
        }
      }
    }
  }
  for (const auto index : order) {
    if (sample.size() >= count) break;
    take(index);
  }
  return sample;
}

}  // namespace ktune::kernels
