#pragma once
// One point of a search space: a value per parameter, in the Space's parameter order.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ktune {

struct Config {
  std::vector<std::int64_t> values;

  friend auto operator<=>(const Config&, const Config&) = default;
  friend bool operator==(const Config&, const Config&) = default;
};

struct ConfigHash {
  std::size_t operator()(const Config& config) const noexcept {
    std::size_t h = 0xcbf29ce484222325ULL;
    for (auto v : config.values) {
      h ^= static_cast<std::size_t>(v) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    }
    return h;
  }
};

}  // namespace ktune
