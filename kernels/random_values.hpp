#pragma once
// Random inputs for workloads: seeded, reproducible, never zero (a zero input would hide a kernel
// that skips it).
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace ktune::kernels {

// `count` values uniform in [-1, -1/64] U [1/64, 1], drawn from `rng`.
std::vector<float> random_values(std::size_t count, std::mt19937_64& rng);

}  // namespace ktune::kernels
