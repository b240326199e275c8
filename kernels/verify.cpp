#include "kernels/verify.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace ktune::kernels {

Verdict verify(std::span<const float> output, const Reference& reference) {
  Verdict v;
  if (output.size() != reference.values.size()) {
    v.message = fmt::format("output has {} values, the reference {}", output.size(),
                            reference.values.size());
    return v;
  }
  double diff2 = 0, ref2 = 0;
  std::size_t first_bad = output.size();
  for (std::size_t i = 0; i < output.size(); ++i) {
    const double out = output[i];
    if (!std::isfinite(out)) {
      if (v.non_finite++ == 0) first_bad = i;
      continue;
    }
    const double d = out - reference.values[i];
    diff2 += d * d;
    ref2 += reference.values[i] * reference.values[i];
    v.max_abs_error = std::max(v.max_abs_error, std::abs(d));
  }
  v.relative_l2_error = ref2 > 0 ? std::sqrt(diff2 / ref2) : std::sqrt(diff2);
  if (v.non_finite > 0) {
    v.relative_l2_error = INFINITY;
    v.message = fmt::format("{} of {} output values are NaN or Inf (first at index {})",
                            v.non_finite, output.size(), first_bad);
  } else if (v.relative_l2_error > reference.tolerance) {
    v.message =
        fmt::format("relative L2 error {:.3g} exceeds the tolerance {:.3g} (max abs error {:.3g})",
                    v.relative_l2_error, reference.tolerance, v.max_abs_error);
  } else {
    v.ok = true;
  }
  return v;
}

double fp32_tolerance(double reduction_length) {
  return std::max(1e-5, 16.0 * std::ldexp(1.0, -23) * std::sqrt(std::max(reduction_length, 1.0)));
}

}  // namespace ktune::kernels
