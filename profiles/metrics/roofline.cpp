#include "profiles/metrics/roofline.hpp"

#include <algorithm>
#include <cmath>

namespace ktune::profiles::metrics {

std::optional<RooflinePoint> place(const Roofline& roofline, double arithmetic_intensity) {
  if (!roofline.known() || !(arithmetic_intensity > 0) || !std::isfinite(arithmetic_intensity))
    return std::nullopt;
  RooflinePoint point;
  point.arithmetic_intensity = arithmetic_intensity;
  const double memory_roof = arithmetic_intensity * roofline.peak_gbs;
  point.memory_bound = memory_roof < roofline.peak_gflops;
  point.attainable_gflops = std::min(memory_roof, roofline.peak_gflops);
  return point;
}

}  // namespace ktune::profiles::metrics
