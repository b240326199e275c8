#pragma once
// Comparison of a kernel's output with the CPU reference.
#include <cstddef>
#include <span>
#include <string>

#include "kernels/family.hpp"

namespace ktune::kernels {

struct Verdict {
  bool ok = false;
  double relative_l2_error = 0;  // ||out - ref|| / ||ref||  (||out - ref|| when ref is all zero)
  double max_abs_error = 0;
  std::size_t non_finite = 0;  // NaN or Inf values in the output
  std::string message;         // why it failed
};

Verdict verify(std::span<const float> output, const Reference& reference);

// The relative L2 error accepted for fp32 results that each sum `reduction_length` products of
// random sign: rounding errors add up like a random walk, so the error grows like
// sqrt(length) * epsilon; a 16x margin covers the summation order of any variant, and a floor of
// 1e-5 covers short sums.
double fp32_tolerance(double reduction_length);

}  // namespace ktune::kernels
