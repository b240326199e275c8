#include "tuner/shard.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "core/error.hpp"

namespace ktune::tuner {
namespace {

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

bool parse_count(std::string_view text, std::size_t& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

}  // namespace

Shard parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  Shard shard;
  if (slash == std::string_view::npos || !parse_count(text.substr(0, slash), shard.index) ||
      !parse_count(text.substr(slash + 1), shard.count) || shard.count == 0)
    throw UsageError(
        fmt::format("{}: expected i/N with 0 <= i < N, e.g. 0/4 (the first of four)", text));
  if (shard.index >= shard.count)
    throw UsageError(fmt::format("{}: the shard index must be 0..{} (shards count from 0)", text,
                                 shard.count - 1));
  return shard;
}

std::vector<Config> shard_of(const Space& space, const std::vector<Config>& valid, Shard shard) {
  if (shard.count <= 1) return valid;
  // Rank by (hash, canonical text) and deal the ranks round-robin: balanced and stable.
  struct Keyed {
    std::uint64_t hash;
    std::string text;
    std::size_t position;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(valid.size());
  for (std::size_t i = 0; i < valid.size(); ++i) {
    std::string text = space.canonical(valid[i]);
    const auto h = fnv1a(text);
    keyed.push_back({h, std::move(text), i});
  }
  std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.text < b.text;
  });
  std::vector<std::size_t> mine;
  for (std::size_t r = shard.index; r < keyed.size(); r += shard.count)
    mine.push_back(keyed[r].position);
  std::sort(mine.begin(), mine.end());
  std::vector<Config> result;
  result.reserve(mine.size());
  for (auto i : mine)
    result.push_back(valid[i]);
  return result;
}

}  // namespace ktune::tuner
