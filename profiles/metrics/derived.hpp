#pragma once
// Metrics derived for one variant from what is known about it: the timed median, the family's
// analytic work (FLOPs, compulsory DRAM bytes), the hardware counters of a separate profiled run
// when there was one, the theoretical occupancy, the device's peaks and the CPU baseline.
// Backend-independent: OpenCL variants get the same report from the analytic work alone.
//
// Counters win over the analytic model where both exist; every metric says which it came from
// (Metric::source: measured = hardware counters or a timed run, derived = computed by ktune).
#include <optional>
#include <span>
#include <vector>

#include "core/device_info.hpp"
#include "core/evaluation.hpp"

namespace ktune::profiles::metrics {

struct DerivedInputs {
  double time_ms = 0;                // median of the timed runs (never the profiled run's duration)
  double analytic_flops = 0;         // the family's model; 0 = unknown
  double analytic_bytes = 0;         // compulsory DRAM traffic; 0 = unknown
  std::span<const Metric> counters;  // from the profiled run; may be empty
  std::optional<double> theoretical_occupancy;  // 0..1, from the compiler's resource use
  double peak_gflops = 0;                       // device peaks; 0 = unknown
  double peak_gbs = 0;
  std::optional<double> cpu_baseline_ms;  // the fastest CPU baseline on the same problem
};

// The derived metrics, in a fixed order; a metric whose inputs are missing is left out (never
// reported as zero). Includes flop_count and dram_bytes with the source they came from.
std::vector<Metric> derive(const DerivedInputs& inputs);

// The inputs a variant's Evaluation and its device provide (time, resources, peaks).
DerivedInputs inputs_for(const Evaluation& evaluation, const DeviceInfo& device,
                         double analytic_flops, double analytic_bytes);

}  // namespace ktune::profiles::metrics
