#pragma once
// Seeded samples of a family's valid space that cover it: for tests on the CPU device and for
// compile checks with NVRTC, where compiling the whole space takes too long.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "space/space.hpp"

namespace ktune::kernels {

// About `count` valid configurations of `space` (fewer if the space is smaller): the default
// configuration, then for every parameter every value that some valid configuration takes (so
// the extremes of each parameter are in), then random valid configurations. The same seed gives
// the same sample. May exceed `count` when covering every value needs more.
std::vector<Config> covering_sample(const Space& space, std::size_t count, std::uint64_t seed);

}  // namespace ktune::kernels
