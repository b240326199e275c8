#pragma once
// The hardware counters ktune collects, as data: each ktune metric (profiles/metrics/names.hpp)
// is a weighted sum of CUPTI metrics, and each term lists the CUPTI names it goes by on different
// chips (GB20x renamed dram__bytes_read to dram__bytes_op_read). Resolving the catalog against a
// chip's base metrics picks the name the chip has and drops, with the reason, what it lacks.
// Pure logic: no CUPTI call here (metric_config.hpp asks CUPTI).
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/evaluation.hpp"

namespace ktune::profiles::cuda::cupti {

enum class MetricGroup {
  standard,  // one pass on every discrete chip GA100..GB20x
  flops,     // instruction-based FLOP counts: SASS-patched, always a pass of their own
};

struct CounterTerm {
  std::vector<std::string_view> candidates;  // CUPTI full names, preferred first
  double weight = 1;
};

struct CounterMetric {
  std::string_view name;  // ktune's name
  std::string_view unit;
  std::string_view description;
  MetricGroup group = MetricGroup::standard;
  std::vector<CounterTerm> terms;
};

// Every metric ktune knows how to count, the standard group first.
const std::vector<CounterMetric>& counter_catalog();
// The configured set: the standard group, plus the FLOP group when asked.
std::vector<const CounterMetric*> default_metric_set(bool with_flops);

// "dram__bytes_read" for "dram__bytes_read.sum.per_second".
std::string_view base_metric(std::string_view full_name);

struct ResolvedTerm {
  std::string cupti_name;
  double weight = 1;
};
struct ResolvedMetric {
  std::string name;  // ktune's name, or the CUPTI name for a metric the user asked for by name
  std::string unit;
  std::string description;
  std::vector<ResolvedTerm> terms;
};
struct DroppedMetric {
  std::string name;
  std::string reason;  // "GA10B has no dram__bytes_read or dram__bytes_op_read"
};

struct Resolution {
  std::vector<ResolvedMetric> metrics;
  std::vector<DroppedMetric> dropped;
  // Every CUPTI metric the resolved metrics need, each once, in first-use order.
  std::vector<std::string> cupti_names() const;
};

using HasBaseMetric = std::function<bool(std::string_view base)>;

Resolution resolve(std::span<const CounterMetric* const> wanted, std::string_view chip,
                   const HasBaseMetric& chip_has);

// ktune metrics (source: measured) from the values CUPTI evaluated for resolution.cupti_names(),
// in that order. Non-finite values (a counter CUPTI could not evaluate) leave the metric out.
std::vector<Metric> combine(const Resolution& resolution, std::span<const double> cupti_values);

}  // namespace ktune::profiles::cuda::cupti
