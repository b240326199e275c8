// The catalog's resolution against a chip's metric list and the arithmetic that turns CUPTI
// values into ktune metrics, on hand-made chips (no CUPTI call).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "profiles/cuda/cupti/metric_catalog.hpp"
#include "profiles/metrics/names.hpp"

namespace ktune::profiles::cuda::cupti {
namespace {

namespace names = ktune::profiles::metrics;

HasBaseMetric chip_with(std::set<std::string, std::less<>> base) {
  return [base = std::move(base)](std::string_view name) { return base.contains(name); };
}

const CounterMetric* catalog_entry(std::string_view name) {
  for (const auto& m : counter_catalog())
    if (m.name == name) return &m;
  return nullptr;
}

TEST(MetricCatalog, BaseMetricIsTheNameBeforeTheRollup) {
  EXPECT_EQ(base_metric("dram__bytes.sum.per_second"), "dram__bytes");
  EXPECT_EQ(base_metric("sm__cycles_active"), "sm__cycles_active");
}

TEST(MetricCatalog, DefaultSetIsTheStandardGroupUnlessFlopsAreAsked) {
  const auto standard = default_metric_set(false);
  const auto with_flops = default_metric_set(true);
  EXPECT_EQ(with_flops.size(), standard.size() + 3);
  for (const auto* m : standard)
    EXPECT_EQ(m->group, MetricGroup::standard) << m->name;
}

TEST(MetricCatalog, FirstCandidateTheChipHasWins) {
  const CounterMetric* read = catalog_entry(names::kDramBytesRead);
  ASSERT_NE(read, nullptr);
  const CounterMetric* wanted[] = {read};
  auto old_chip = resolve(wanted, "OLD", chip_with({"dram__bytes_read", "dram__bytes_op_read"}));
  ASSERT_EQ(old_chip.metrics.size(), 1u);
  EXPECT_EQ(old_chip.metrics[0].terms[0].cupti_name, "dram__bytes_read.sum");
  auto new_chip = resolve(wanted, "NEW", chip_with({"dram__bytes_op_read"}));
  ASSERT_EQ(new_chip.metrics.size(), 1u);
  EXPECT_EQ(new_chip.metrics[0].terms[0].cupti_name, "dram__bytes_op_read.sum");
}

TEST(MetricCatalog, MissingMetricIsDroppedWithTheChipAndNames) {
  const auto wanted = default_metric_set(false);
  auto r = resolve(wanted, "TINY", chip_with({"sm__warps_active", "gpu__time_duration"}));
  ASSERT_EQ(r.metrics.size(), 3u);  // duration, achieved occupancy, warps per cycle
  EXPECT_EQ(r.metrics[0].name, names::kProfiledDuration);
  EXPECT_EQ(r.dropped.size(), wanted.size() - 3);
  EXPECT_EQ(r.dropped[0].name, names::kDramBytesRead);
  EXPECT_EQ(r.dropped[0].reason, "TINY has no dram__bytes_read or dram__bytes_op_read");
}

TEST(MetricCatalog, CuptiNamesAreUniqueInFirstUseOrder) {
  Resolution r;
  r.metrics.push_back({"a", "x", "", {{"m1.sum", 1}, {"m2.sum", 1}}});
  r.metrics.push_back({"b", "x", "", {{"m2.sum", 1}, {"m3.sum", 2}}});
  EXPECT_EQ(r.cupti_names(), (std::vector<std::string>{"m1.sum", "m2.sum", "m3.sum"}));
}

TEST(MetricCatalog, FmaCountsTwoFlops) {
  const CounterMetric* fp32 = catalog_entry(names::kFlopCountFp32);
  ASSERT_NE(fp32, nullptr);
  const CounterMetric* wanted[] = {fp32};
  auto r = resolve(wanted, "ANY", [](std::string_view) { return true; });
  ASSERT_EQ(r.cupti_names().size(), 3u);  // fadd, fmul, ffma
  const double values[] = {1000, 300, 5000};
  auto metrics = combine(r, values);
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_EQ(metrics[0].name, names::kFlopCountFp32);
  EXPECT_DOUBLE_EQ(metrics[0].value, 1000 + 300 + 2 * 5000);
  EXPECT_EQ(metrics[0].unit, "FLOP");
  EXPECT_EQ(metrics[0].source, MetricSource::measured);
}

TEST(MetricCatalog, ValuesMapBackInOrderAndNonFiniteOnesAreLeftOut) {
  const CounterMetric* wanted[] = {catalog_entry(names::kDramBytesRead),
                                   catalog_entry(names::kDramBytesWrite),
                                   catalog_entry(names::kAchievedOccupancyPct)};
  auto r = resolve(wanted, "ANY", [](std::string_view) { return true; });
  const double values[] = {4096, std::numeric_limits<double>::quiet_NaN(), 62.5};
  auto metrics = combine(r, values);
  ASSERT_EQ(metrics.size(), 2u);
  EXPECT_EQ(metrics[0].name, names::kDramBytesRead);
  EXPECT_DOUBLE_EQ(metrics[0].value, 4096);
  EXPECT_EQ(metrics[1].name, names::kAchievedOccupancyPct);
  EXPECT_DOUBLE_EQ(metrics[1].value, 62.5);
  EXPECT_EQ(metrics[1].unit, "%");
}

}  // namespace
}  // namespace ktune::profiles::cuda::cupti
