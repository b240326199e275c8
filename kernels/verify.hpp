#pragma once
// Comparison of a kernel's output with the CPU reference.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "kernels/family.hpp"

namespace ktune::kernels {

struct Verdict {
  bool ok = false;
  double relative_l2_error = 0;  // ||out - ref|| / ||ref||  (||out - ref|| when ref is all zero)
  double max_abs_error = 0;
  std::size_t non_finite = 0;  // NaN or Inf values in the output
  // The element furthest outside (or closest to) its own bound: error / bound is largest there.
  std::size_t worst_index = 0;
  double worst_output = 0;
  double worst_reference = 0;
  double worst_bound = 0;
  std::size_t elements_over_bound = 0;  // NaN and Inf included
  std::string message;                  // why it failed
};

// Every element must lie within element_bound(reference.reduction_length, its magnitude) of the
// reference, and the whole output within reference.tolerance in relative L2 error. Throws
// std::invalid_argument when the reference has no magnitude for each value.
Verdict verify(std::span<const float> output, const Reference& reference);

// The largest error accepted in one fp32 element that sums `reduction_length` terms whose
// absolute values add up to `magnitude`. Recursive fp32 summation in any order, with or without
// FMA, stays within gamma(n) = n u / (1 - n u) times that sum (u = 2^-24; Higham, "Accuracy and
// Stability of Numerical Algorithms", 3.1); two more roundings cover alpha and beta, a factor of
// 2 covers the reference and the inputs' own rounding, and a floor of n subnormals covers
// devices that flush them to zero.
double element_bound(double reduction_length, double magnitude);

// The relative L2 error accepted for fp32 results that each sum `reduction_length` products of
// random sign: rounding errors add up like a random walk, so the error grows like
// sqrt(length) * epsilon; a 16x margin covers the summation order of any variant, and a floor of
// 1e-5 covers short sums.
double fp32_tolerance(double reduction_length);

// |values|, for the magnitude products: sum_k |a_ik| |b_kj| is the product of the absolute
// matrices.
std::vector<float> absolute_values(std::span<const float> values);

}  // namespace ktune::kernels
