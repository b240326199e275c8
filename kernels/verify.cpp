#include "kernels/verify.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace ktune::kernels {

Verdict verify(std::span<const float> output, const Reference& reference) {
  Verdict v;
  if (output.size() != reference.values.size()) {
    v.message = fmt::format("output has {} values, the reference {}", output.size(),
                            reference.values.size());
    return v;
  }
  if (reference.magnitudes.size() != reference.values.size())
    throw std::invalid_argument(fmt::format("the reference has {} values but {} magnitudes",
                                            reference.values.size(), reference.magnitudes.size()));
  double diff2 = 0, ref2 = 0;
  double worst_ratio = -1;
  std::size_t first_non_finite = output.size();
  for (std::size_t i = 0; i < output.size(); ++i) {
    const double out = output[i];
    const double expected = reference.values[i];
    const double bound = element_bound(reference.reduction_length, reference.magnitudes[i]);
    double ratio;
    if (!std::isfinite(out)) {
      if (v.non_finite++ == 0) first_non_finite = i;
      ratio = std::numeric_limits<double>::infinity();
    } else {
      const double d = out - expected;
      diff2 += d * d;
      v.max_abs_error = std::max(v.max_abs_error, std::abs(d));
      ratio = std::abs(d) / bound;
    }
    ref2 += expected * expected;
    if (ratio > 1) ++v.elements_over_bound;
    if (ratio > worst_ratio) {
      worst_ratio = ratio;
      v.worst_index = i;
      v.worst_output = out;
      v.worst_reference = expected;
      v.worst_bound = bound;
    }
  }
  v.relative_l2_error = ref2 > 0 ? std::sqrt(diff2 / ref2) : std::sqrt(diff2);
  if (v.non_finite > 0) {
    v.relative_l2_error = INFINITY;
    v.message = fmt::format("{} of {} output values are NaN or Inf (first at index {})",
                            v.non_finite, output.size(), first_non_finite);
  } else if (v.elements_over_bound > 0) {
    v.message = fmt::format(
        "{} of {} output values are wrong; the worst, at index {}, is {:.9g} where the "
        "reference is {:.9g} (error {:.3g}, bound {:.3g})",
        v.elements_over_bound, output.size(), v.worst_index, v.worst_output, v.worst_reference,
        std::abs(v.worst_output - v.worst_reference), v.worst_bound);
  } else if (v.relative_l2_error > reference.tolerance) {
    v.message =
        fmt::format("relative L2 error {:.3g} exceeds the tolerance {:.3g} (max abs error {:.3g})",
                    v.relative_l2_error, reference.tolerance, v.max_abs_error);
  } else {
    v.ok = true;
  }
  return v;
}

double element_bound(double reduction_length, double magnitude) {
  const double n = std::max(reduction_length, 1.0) + 2;
  const double u = std::ldexp(1.0, -24);
  return 2.0 * n * u / (1 - n * u) * magnitude +
         n * static_cast<double>(std::numeric_limits<float>::min());
}

double fp32_tolerance(double reduction_length) {
  return std::max(1e-5, 16.0 * std::ldexp(1.0, -23) * std::sqrt(std::max(reduction_length, 1.0)));
}

std::vector<float> absolute_values(std::span<const float> values) {
  std::vector<float> out(values.size());
  std::transform(values.begin(), values.end(), out.begin(), [](float x) { return std::abs(x); });
  return out;
}

}  // namespace ktune::kernels
