#pragma once
// The roofline model: a kernel with arithmetic intensity I (FLOP per DRAM byte) can reach at most
// min(peak FLOP/s, I x peak bandwidth). Left of the ridge point (peak FLOP/s / peak bandwidth) it
// is memory-bound, right of it compute-bound.
#include <optional>

namespace ktune::profiles::metrics {

struct Roofline {
  double peak_gflops = 0;  // GFLOP/s; 0 = unknown
  double peak_gbs = 0;     // GB/s (1e9 bytes); 0 = unknown

  bool known() const { return peak_gflops > 0 && peak_gbs > 0; }
  double ridge_point() const { return peak_gflops / peak_gbs; }  // FLOP/byte
};

struct RooflinePoint {
  double arithmetic_intensity = 0;  // FLOP/byte
  double attainable_gflops = 0;     // the roof at that intensity
  bool memory_bound = false;
};

// Where a kernel of this intensity sits; nullopt when a peak is unknown or the intensity is not a
// positive number.
std::optional<RooflinePoint> place(const Roofline& roofline, double arithmetic_intensity);

}  // namespace ktune::profiles::metrics
