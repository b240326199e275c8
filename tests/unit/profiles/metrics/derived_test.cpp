// Derived metrics from known counter values and analytic work: the arithmetic and the choice of
// source (counters over the model, and each metric saying which it came from).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "profiles/metrics/derived.hpp"
#include "profiles/metrics/metric_list.hpp"
#include "profiles/metrics/names.hpp"

namespace ktune::profiles::metrics {
namespace {

Metric measured(std::string_view name, double value, std::string unit) {
  return {std::string(name), value, std::move(unit), MetricSource::measured};
}

const Metric& get(const std::vector<Metric>& metrics, std::string_view name) {
  const Metric* m = find_metric(metrics, name);
  if (!m) throw std::runtime_error("missing metric " + std::string(name));
  return *m;
}

// A 1024^3 fp32 matmul timed at 0.5 ms on a device of 20,000 GFLOP/s and 1,000 GB/s.
DerivedInputs matmul_inputs() {
  DerivedInputs in;
  in.time_ms = 0.5;
  in.analytic_flops = 2.0 * 1024 * 1024 * 1024;  // 2,147,483,648
  in.analytic_bytes = 3.0 * 1024 * 1024 * 4;     // A, B read and C written once: 12 MiB
  in.peak_gflops = 20'000;
  in.peak_gbs = 1'000;
  return in;
}

TEST(Derived, AnalyticWorkGivesRatesAndARooflinePoint) {
  const auto out = derive(matmul_inputs());
  EXPECT_EQ(get(out, kFlopCount).source, MetricSource::derived);
  EXPECT_DOUBLE_EQ(get(out, kGflops).value, 2147483648.0 / 0.5e-3 / 1e9);  // 4294.97
  EXPECT_DOUBLE_EQ(get(out, kGflopsPctOfPeak).value, 100 * 4294.967296 / 20'000);
  EXPECT_DOUBLE_EQ(get(out, kDramGbs).value, 12582912.0 / 0.5e-3 / 1e9);  // 25.17
  EXPECT_DOUBLE_EQ(get(out, kDramPctOfPeak).value, 100 * 25.165824 / 1'000);
  EXPECT_DOUBLE_EQ(get(out, kArithmeticIntensity).value, 2147483648.0 / 12582912.0);  // 170.67
  // 170.7 FLOP/byte is right of the ridge (20): compute-bound, the roof is the peak.
  EXPECT_EQ(get(out, kMemoryBound).value, 0);
  EXPECT_DOUBLE_EQ(get(out, kRooflineGflops).value, 20'000);
  EXPECT_DOUBLE_EQ(get(out, kRooflinePct).value, 100 * 4294.967296 / 20'000);
  for (const auto& m : out)
    EXPECT_EQ(m.source, MetricSource::derived) << m.name;
}

TEST(Derived, CountersWinOverTheModelAndSaySo) {
  auto in = matmul_inputs();
  // Poor reuse: the kernel moved ten times the compulsory 12 MiB.
  const std::vector<Metric> counters{measured(kDramBytesRead, 100e6, "byte"),
                                     measured(kDramBytesWrite, 25e6, "byte"),
                                     measured(kFlopCountFp32, 2.2e9, "FLOP")};
  in.counters = counters;
  const auto out = derive(in);
  EXPECT_EQ(get(out, kDramBytes).source, MetricSource::measured);
  EXPECT_DOUBLE_EQ(get(out, kDramBytes).value, 125e6);
  EXPECT_EQ(get(out, kFlopCount).source, MetricSource::measured);
  EXPECT_DOUBLE_EQ(get(out, kFlopCount).value, 2.2e9);
  EXPECT_DOUBLE_EQ(get(out, kDramGbs).value, 125e6 / 0.5e-3 / 1e9);  // 250 GB/s
  EXPECT_DOUBLE_EQ(get(out, kDramPctOfPeak).value, 25.0);
  EXPECT_DOUBLE_EQ(get(out, kArithmeticIntensity).value, 2.2e9 / 125e6);  // 17.6: left of 20
  EXPECT_EQ(get(out, kMemoryBound).value, 1);
  EXPECT_DOUBLE_EQ(get(out, kRooflineGflops).value, 17.6 * 1'000);
  EXPECT_DOUBLE_EQ(get(out, kRooflinePct).value, 100 * 4400.0 / 17'600);  // 25%
  // Rates are computed from counted work, but they are still ktune's arithmetic.
  EXPECT_EQ(get(out, kGflops).source, MetricSource::derived);
}

TEST(Derived, FlopCountsOfAllPrecisionsAddUp) {
  auto in = matmul_inputs();
  const std::vector<Metric> counters{measured(kFlopCountFp32, 1e9, "FLOP"),
                                     measured(kFlopCountFp64, 2e6, "FLOP"),
                                     measured(kFlopCountFp16, 0, "FLOP")};
  in.counters = counters;
  EXPECT_DOUBLE_EQ(get(derive(in), kFlopCount).value, 1.002e9);
}

TEST(Derived, ZeroCountedFlopsFallBackToTheModel) {
  // Tensor-core work is invisible to the FP instruction counters.
  auto in = matmul_inputs();
  const std::vector<Metric> counters{measured(kFlopCountFp32, 0, "FLOP")};
  in.counters = counters;
  const auto out = derive(in);
  EXPECT_EQ(get(out, kFlopCount).source, MetricSource::derived);
  EXPECT_DOUBLE_EQ(get(out, kFlopCount).value, in.analytic_flops);
}

TEST(Derived, OnlyOneDramDirectionCountedUsesTheModel) {
  auto in = matmul_inputs();
  const std::vector<Metric> counters{measured(kDramBytesRead, 1e6, "byte")};
  in.counters = counters;
  EXPECT_EQ(get(derive(in), kDramBytes).source, MetricSource::derived);
}

TEST(Derived, OccupancyAndCpuBaseline) {
  auto in = matmul_inputs();
  in.theoretical_occupancy = 0.75;
  in.cpu_baseline_ms = 7.0;  // OpenBLAS on the host
  const auto out = derive(in);
  EXPECT_DOUBLE_EQ(get(out, kTheoreticalOccupancyPct).value, 75.0);
  EXPECT_EQ(get(out, kCpuBaselineMs).source, MetricSource::measured);
  EXPECT_DOUBLE_EQ(get(out, kSpeedupVsCpu).value, 14.0);
  EXPECT_EQ(get(out, kSpeedupVsCpu).unit, "x");
}

TEST(Derived, MissingInputsLeaveMetricsOutNeverZero) {
  DerivedInputs in;  // nothing known
  EXPECT_TRUE(derive(in).empty());

  in.analytic_flops = 1e9;  // work but no time, no bytes, no peaks
  const auto out = derive(in);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].name, kFlopCount);

  in.time_ms = 1.0;  // timed, still no peaks: rates without percentages or a roofline
  const auto timed = derive(in);
  EXPECT_TRUE(find_metric(timed, kGflops));
  EXPECT_FALSE(find_metric(timed, kGflopsPctOfPeak));
  EXPECT_FALSE(find_metric(timed, kRooflineGflops));
  EXPECT_FALSE(find_metric(timed, kSpeedupVsCpu));
}

TEST(Derived, InputsComeFromTheEvaluationAndDevice) {
  Evaluation e;
  e.samples_ms = {2.0, 1.0, 3.0};
  e.time = summarize(e.samples_ms);
  e.resources.theoretical_occupancy = 0.5;
  e.metrics = {measured(kDramBytesRead, 1, "byte")};
  DeviceInfo device;
  device.peak_gflops_fp32 = 100;
  device.peak_bandwidth_gbs = 10;
  const auto in = inputs_for(e, device, 5, 6);
  EXPECT_DOUBLE_EQ(in.time_ms, 2.0);  // the median
  EXPECT_EQ(in.counters.size(), 1u);
  EXPECT_EQ(in.theoretical_occupancy, 0.5);
  EXPECT_DOUBLE_EQ(in.peak_gflops, 100);
  EXPECT_DOUBLE_EQ(in.peak_gbs, 10);
  EXPECT_DOUBLE_EQ(in.analytic_flops, 5);
  EXPECT_DOUBLE_EQ(in.analytic_bytes, 6);
}

}  // namespace
}  // namespace ktune::profiles::metrics
