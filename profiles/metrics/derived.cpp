#include "profiles/metrics/derived.hpp"

#include <cmath>
#include <string>

#include "core/rates.hpp"
#include "profiles/metrics/metric_list.hpp"
#include "profiles/metrics/names.hpp"
#include "profiles/metrics/roofline.hpp"

namespace ktune::profiles::metrics {
namespace {

struct Work {
  double value = 0;
  MetricSource source = MetricSource::derived;
};

bool positive(double x) {
  return x > 0 && std::isfinite(x);
}

// FLOPs counted by instruction, when that pass ran and counted anything. A kernel whose work is
// on a path the instruction counters do not see (tensor cores) counts zero: the model is used.
std::optional<Work> counted_flops(std::span<const Metric> counters) {
  double total = 0;
  bool any = false;
  for (auto name : {kFlopCountFp32, kFlopCountFp64, kFlopCountFp16}) {
    if (auto v = metric_value(counters, name)) {
      total += *v;
      any = true;
    }
  }
  if (!any || !positive(total)) return std::nullopt;
  return Work{total, MetricSource::measured};
}

std::optional<Work> counted_bytes(std::span<const Metric> counters) {
  auto read = metric_value(counters, kDramBytesRead);
  auto write = metric_value(counters, kDramBytesWrite);
  if (!read || !write) return std::nullopt;
  return Work{*read + *write, MetricSource::measured};
}

Metric derived(std::string_view name, double value, std::string unit) {
  return Metric{std::string(name), value, std::move(unit), MetricSource::derived};
}

}  // namespace

std::vector<Metric> derive(const DerivedInputs& in) {
  std::vector<Metric> out;
  std::optional<Work> flops = counted_flops(in.counters);
  if (!flops && positive(in.analytic_flops)) flops = Work{in.analytic_flops};
  std::optional<Work> bytes = counted_bytes(in.counters);
  if (!bytes && positive(in.analytic_bytes)) bytes = Work{in.analytic_bytes};

  if (flops) out.push_back({std::string(kFlopCount), flops->value, "FLOP", flops->source});
  if (bytes) out.push_back({std::string(kDramBytes), bytes->value, "byte", bytes->source});

  const bool timed = positive(in.time_ms);
  std::optional<double> gflops;
  if (timed && flops) {
    gflops = gflops_per_second(flops->value, in.time_ms);
    out.push_back(derived(kGflops, *gflops, "GFLOP/s"));
    if (positive(in.peak_gflops))
      out.push_back(derived(kGflopsPctOfPeak, 100 * *gflops / in.peak_gflops, "%"));
  }
  if (timed && bytes) {
    const double gbs = gigabytes_per_second(bytes->value, in.time_ms);
    out.push_back(derived(kDramGbs, gbs, "GB/s"));
    if (positive(in.peak_gbs)) out.push_back(derived(kDramPctOfPeak, 100 * gbs / in.peak_gbs, "%"));
  }
  if (flops && bytes && positive(bytes->value)) {
    const double intensity = flops->value / bytes->value;
    out.push_back(derived(kArithmeticIntensity, intensity, "FLOP/byte"));
    if (auto point = place(Roofline{in.peak_gflops, in.peak_gbs}, intensity)) {
      out.push_back(derived(kRooflineGflops, point->attainable_gflops, "GFLOP/s"));
      if (gflops)
        out.push_back(derived(kRooflinePct, 100 * *gflops / point->attainable_gflops, "%"));
      out.push_back(derived(kMemoryBound, point->memory_bound ? 1 : 0, "bool"));
    }
  }
  if (in.theoretical_occupancy)
    out.push_back(derived(kTheoreticalOccupancyPct, 100 * *in.theoretical_occupancy, "%"));
  if (in.cpu_baseline_ms && positive(*in.cpu_baseline_ms)) {
    out.push_back({std::string(kCpuBaselineMs), *in.cpu_baseline_ms, "ms", MetricSource::measured});
    if (timed) out.push_back(derived(kSpeedupVsCpu, *in.cpu_baseline_ms / in.time_ms, "x"));
  }
  return out;
}

DerivedInputs inputs_for(const Evaluation& evaluation, const DeviceInfo& device,
                         double analytic_flops, double analytic_bytes) {
  DerivedInputs in;
  in.time_ms = evaluation.time.count ? evaluation.time.median : 0;
  in.analytic_flops = analytic_flops;
  in.analytic_bytes = analytic_bytes;
  in.counters = evaluation.metrics;
  in.theoretical_occupancy = evaluation.resources.theoretical_occupancy;
  in.peak_gflops = device.peak_gflops_fp32;
  in.peak_gbs = device.peak_bandwidth_gbs;
  return in;
}

}  // namespace ktune::profiles::metrics
