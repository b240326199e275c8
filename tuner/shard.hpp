#pragma once
// Splitting one search over N machines: `--shard i/N` keeps the i-th of N disjoint parts of
// the valid space (0 <= i < N). Every configuration belongs to exactly one part: the
// configurations are ranked by a stable hash of their canonical text and dealt out in turn, so
// the split is the same on every machine that enumerates the same space (in whatever order),
// the parts differ in size by at most one, and each part is a fair sample of the whole.
#include <cstddef>
#include <string_view>
#include <vector>

#include "space/space.hpp"

namespace ktune::tuner {

struct Shard {
  std::size_t index = 0;
  std::size_t count = 1;
};

// Parses "i/N"; throws UsageError saying what is accepted.
Shard parse_shard(std::string_view text);

// The configurations of `valid` in shard `shard`, in their original order.
std::vector<Config> shard_of(const Space& space, const std::vector<Config>& valid, Shard shard);

}  // namespace ktune::tuner
