#include "profiles/cuda/cupti/metric_catalog.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "profiles/metrics/names.hpp"

namespace ktune::profiles::cuda::cupti {
namespace {

namespace m = ktune::profiles::metrics;

CounterMetric standard(std::string_view name, std::string_view unit, std::string_view description,
                       std::vector<std::string_view> candidates) {
  return {name, unit, description, MetricGroup::standard, {{std::move(candidates), 1}}};
}

// FP operations from thread-level instruction counts: add and mul count one, FMA two (the
// convention of CUPTI's flop_count_* metrics-mapping table).
CounterMetric flops(std::string_view name, std::string_view description, std::string_view add,
                    std::string_view mul, std::string_view fma) {
  return {name, "FLOP", description, MetricGroup::flops, {{{add}, 1}, {{mul}, 1}, {{fma}, 2}}};
}

std::string join_or(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

const std::vector<CounterMetric>& counter_catalog() {
  static const std::vector<CounterMetric> catalog{
      standard(m::kProfiledDuration, "ns", "kernel duration under the profiler",
               {"gpu__time_duration.sum"}),
      standard(m::kDramBytesRead, "byte", "bytes read from DRAM",
               {"dram__bytes_read.sum", "dram__bytes_op_read.sum"}),
      standard(m::kDramBytesWrite, "byte", "bytes written to DRAM",
               {"dram__bytes_write.sum", "dram__bytes_op_write.sum"}),
      standard(m::kDramThroughputPct, "%", "DRAM throughput, % of its peak",
               {"dram__throughput.avg.pct_of_peak_sustained_elapsed"}),
      standard(m::kDramBytesPerSecond, "byte/s", "DRAM bandwidth achieved",
               {"dram__bytes.sum.per_second"}),
      standard(m::kDramPeakBytesPerSecond, "byte/s", "DRAM peak bandwidth at this run's clocks",
               {"dram__bytes.sum.peak_sustained_elapsed.per_second"}),
      standard(m::kAchievedOccupancyPct, "%",
               "achieved occupancy: warps in flight, % of the SM's warp slots",
               {"sm__warps_active.avg.pct_of_peak_sustained_active"}),
      standard(m::kWarpsActivePerCycle, "warp", "warps in flight per active SM cycle",
               {"sm__warps_active.avg.per_cycle_active"}),
      standard(m::kSmCyclesActive, "cycle", "cycles an SM was busy (average over SMs)",
               {"sm__cycles_active.avg"}),
      standard(m::kSmClockHz, "Hz", "SM clock during the run",
               {"gpc__cycles_elapsed.avg.per_second"}),
      standard(m::kL2Bytes, "byte", "bytes through the L2 cache", {"lts__t_bytes.sum"}),
      standard(m::kSharedWavefronts, "wavefront", "shared-memory wavefronts (loads and stores)",
               {"l1tex__data_pipe_lsu_wavefronts_mem_shared.sum"}),
      standard(m::kSharedBankConflicts, "conflict", "shared-memory bank conflicts",
               {"l1tex__data_bank_conflicts_pipe_lsu_mem_shared.sum"}),
      standard(m::kTensorPipeActivePct, "%", "tensor pipe busy, % of active SM cycles",
               {"sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_active"}),
      standard(m::kTensorInstructions, "warp instruction", "tensor-pipe instructions executed",
               {"sm__inst_executed_pipe_tensor.sum"}),
      flops(m::kFlopCountFp32, "FP32 operations executed",
            "smsp__sass_thread_inst_executed_op_fadd_pred_on.sum",
            "smsp__sass_thread_inst_executed_op_fmul_pred_on.sum",
            "smsp__sass_thread_inst_executed_op_ffma_pred_on.sum"),
      flops(m::kFlopCountFp64, "FP64 operations executed",
            "smsp__sass_thread_inst_executed_op_dadd_pred_on.sum",
            "smsp__sass_thread_inst_executed_op_dmul_pred_on.sum",
            "smsp__sass_thread_inst_executed_op_dfma_pred_on.sum"),
      flops(m::kFlopCountFp16, "FP16 operations executed (an HFMA2 counts as one instruction)",
            "smsp__sass_thread_inst_executed_op_hadd_pred_on.sum",
            "smsp__sass_thread_inst_executed_op_hmul_pred_on.sum",
            "smsp__sass_thread_inst_executed_op_hfma_pred_on.sum"),
  };
  return catalog;
}

std::vector<const CounterMetric*> default_metric_set(bool with_flops) {
  std::vector<const CounterMetric*> set;
  for (const auto& metric : counter_catalog())
    if (metric.group == MetricGroup::standard || with_flops) set.push_back(&metric);
  return set;
}

std::string_view base_metric(std::string_view full_name) {
  return full_name.substr(0, full_name.find('.'));
}

std::vector<std::string> Resolution::cupti_names() const {
  std::vector<std::string> names;
  for (const auto& metric : metrics)
    for (const auto& term : metric.terms)
      if (std::find(names.begin(), names.end(), term.cupti_name) == names.end())
        names.push_back(term.cupti_name);
  return names;
}

Resolution resolve(std::span<const CounterMetric* const> wanted, std::string_view chip,
                   const HasBaseMetric& chip_has) {
  Resolution out;
  for (const CounterMetric* metric : wanted) {
    ResolvedMetric resolved{
        std::string(metric->name), std::string(metric->unit), std::string(metric->description), {}};
    std::vector<std::string_view> missing;
    for (const auto& term : metric->terms) {
      auto found = std::find_if(term.candidates.begin(), term.candidates.end(),
                                [&](std::string_view name) { return chip_has(base_metric(name)); });
      if (found == term.candidates.end()) {
        for (auto name : term.candidates)
          missing.push_back(base_metric(name));
        continue;
      }
      resolved.terms.push_back({std::string(*found), term.weight});
    }
    if (missing.empty())
      out.metrics.push_back(std::move(resolved));
    else
      out.dropped.push_back(
          {std::string(metric->name), fmt::format("{} has no {}", chip, join_or(missing))});
  }
  return out;
}

std::vector<Metric> combine(const Resolution& resolution, std::span<const double> cupti_values) {
  const auto names = resolution.cupti_names();
  std::map<std::string, double, std::less<>> value_of;
  for (std::size_t i = 0; i < names.size() && i < cupti_values.size(); ++i)
    value_of[names[i]] = cupti_values[i];
  std::vector<Metric> out;
  for (const auto& metric : resolution.metrics) {
    double total = 0;
    bool complete = true;
    for (const auto& term : metric.terms) {
      auto it = value_of.find(term.cupti_name);
      if (it == value_of.end() || !std::isfinite(it->second)) {
        complete = false;
        break;
      }
      total += term.weight * it->second;
    }
    if (complete) out.push_back({metric.name, total, metric.unit, MetricSource::measured});
  }
  return out;
}

}  // namespace ktune::profiles::cuda::cupti
