#pragma once
// Rates from amounts and milliseconds, written once: GFLOP/s and GB/s (1e9 per second). Zero
// when the time is not positive.
namespace ktune {

inline double gflops_per_second(double flops, double milliseconds) {
  return milliseconds > 0 ? flops / (milliseconds * 1e-3) / 1e9 : 0;
}
inline double gigabytes_per_second(double bytes, double milliseconds) {
  return milliseconds > 0 ? bytes / (milliseconds * 1e-3) / 1e9 : 0;
}

}  // namespace ktune
