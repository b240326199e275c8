#include "profiles/kernel_evaluator.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/statistics.hpp"
#include "kernels/verify.hpp"
#include "profiles/metrics/derived.hpp"

namespace ktune::profiles {
namespace {

constexpr std::size_t kMaxKeptPrograms = 32;

std::span<const std::byte> bytes_of(const std::vector<float>& v) {
  return std::as_bytes(std::span<const float>(v));
}

double elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since)
      .count();
}

std::string gib(double bytes) {
  return fmt::format("{:.2f} GiB", bytes / (1024.0 * 1024 * 1024));
}

}  // namespace

void check_fits(const kernels::Family& family, const Problem& problem, const DeviceInfo& device) {
  double total = 0;
  double largest = 0;
  for (auto elements : family.buffer_elements(problem)) {
    const double bytes = static_cast<double>(elements) * sizeof(float);
    total += bytes;
    largest = std::max(largest, bytes);
  }
  const std::string shape = problem.canonical();
  if (device.max_allocation_bytes && largest > static_cast<double>(device.max_allocation_bytes))
    throw UsageError(fmt::format("shape {} needs a {} buffer; {} allocates at most {}", shape,
                                 gib(largest), device.name,
                                 gib(static_cast<double>(device.max_allocation_bytes))));
  if (device.global_memory_bytes && total > static_cast<double>(device.global_memory_bytes))
    throw UsageError(fmt::format("shape {} needs {} of buffers; {} has {}", shape, gib(total),
                                 device.name,
                                 gib(static_cast<double>(device.global_memory_bytes))));
  // The host keeps the inputs, the output and a double-precision reference (3x the output).
  const double host =
      static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  if (host > 0 && 2.5 * total > host)
    throw UsageError(fmt::format("shape {} needs about {} of host memory; this machine has {}",
                                 shape, gib(2.5 * total), gib(host)));
}

KernelEvaluator::KernelEvaluator(const kernels::Family& family, Problem problem, const Space& space,
                                 Device& device, MeasureOptions options)
    : family_(family),
      kernel_name_(family.name()),
      problem_(std::move(problem)),
      space_(space),
      device_(device),
      options_(options) {
  check_fits(family_, problem_, device_.info());
  if (!options_.prune.empty() && !device_.reports_resources())
    throw UsageError(fmt::format(
        "{}: the {} backend does not report registers, spills or occupancy, so there is "
        "nothing to prune on (the CUDA backend does; offline analysis gives a view without a GPU)",
        options_.prune.text(), device_.info().backend));
  device_.set_run_timeout(options_.timeout_ms);
  workload_ = family_.workload(problem_, options_.seed);
  reference_ = family_.reference(problem_, workload_);
  for (const auto& data : workload_.buffers) {
    buffers_.push_back(device_.allocate(data.size() * sizeof(float)));
    device_.write(*buffers_.back(), bytes_of(data));
    buffer_views_.push_back(buffers_.back().get());
  }
}

KernelEvaluator::~KernelEvaluator() = default;

VariantPhase KernelEvaluator::phase(Phase phase, const std::string& config,
                                    std::uint64_t variant) const {
  return {phase, kernel_name_, config, variant};
}

KernelEvaluator::Prepared KernelEvaluator::prepare(const Config& config, std::uint64_t variant) {
  if (auto why = space_.violation(config))
    throw VariantFailure(Outcome::invalid, space_.canonical(config) + " " + *why);
  Prepared prepared;
  prepared.variant = variant;
  prepared.plan = family_.plan(space_, config);
  const auto& g = prepared.plan.geometry;
  const auto& info = device_.info();
  if (info.max_threads_per_block > 0 &&
      g.threads_per_block() > static_cast<std::uint64_t>(info.max_threads_per_block))
    throw VariantFailure(Outcome::resource_exceeded,
                         fmt::format("{} threads per block exceed the device's {}",
                                     g.threads_per_block(), info.max_threads_per_block));
  const std::string text = space_.canonical(config);
  {
    ScopedPhase marker(device_.phase_observer(), phase(Phase::compile, text, variant));
    prepared.program = device_.compile(prepared.plan.source);
  }
  prepared.resources = device_.resources(*prepared.program, g);
  return prepared;
}

void KernelEvaluator::reset_output(bool poison) {
  auto& out = workload_.buffers[workload_.output];
  if (!poison || workload_.output_is_read) {
    device_.write(*buffers_[workload_.output], bytes_of(out));
    return;
  }
  const std::vector<float> nans(out.size(), std::numeric_limits<float>::quiet_NaN());
  device_.write(*buffers_[workload_.output], bytes_of(nans));
}

double KernelEvaluator::run_once(Prepared& prepared) {
  const auto start = std::chrono::steady_clock::now();
  const double ms =
      device_.run(*prepared.program, prepared.plan.geometry, prepared.plan.args, buffer_views_);
  const double wall = elapsed_ms(start);
  if (wall > options_.timeout_ms || ms > options_.timeout_ms)
    throw VariantFailure(Outcome::timeout,
                         fmt::format("a run took {:.0f} ms, over the {:.0f} ms timeout",
                                     std::max(ms, wall), options_.timeout_ms));
  return ms;
}

Evaluation KernelEvaluator::evaluate(const Config& config) {
  Evaluation result;
  const auto start = std::chrono::steady_clock::now();
  const std::uint64_t variant = ++evaluated_;
  try {
    Prepared prepared = prepare(config, variant);
    result.compile_ms = prepared.program->compile_ms;
    result.resources = prepared.resources;
    if (auto why = options_.prune.reason(prepared.resources))
      throw VariantFailure(Outcome::pruned, *why);

    const std::string text = space_.canonical(config);
    PhaseObserver* observer = device_.phase_observer();
    {
      // Verify: poisoned output, one run, compare with the reference.
      ScopedPhase marker(observer, phase(Phase::verification, text, variant));
      reset_output(true);
      run_once(prepared);
      std::vector<float> output(workload_.buffers[workload_.output].size());
      device_.read(*buffers_[workload_.output], std::as_writable_bytes(std::span<float>(output)));
      const auto verdict = kernels::verify(output, reference_);
      result.max_error = verdict.relative_l2_error;
      if (!verdict.ok) throw VariantFailure(Outcome::wrong_result, verdict.message);
      if (workload_.output_is_read) reset_output(false);
    }

    if (options_.warmup_runs > 0) {
      ScopedPhase marker(observer, phase(Phase::warmup, text, variant));
      for (int i = 0; i < options_.warmup_runs; ++i)
        run_once(prepared);
    }

    std::optional<ScopedPhase> timing(std::in_place, observer, phase(Phase::timing, text, variant));
    const auto timing_start = std::chrono::steady_clock::now();
    while (static_cast<int>(result.samples_ms.size()) < options_.max_runs) {
      if (options_.flush_caches) device_.flush_caches();
      result.samples_ms.push_back(run_once(prepared));
      const auto n = static_cast<int>(result.samples_ms.size());
      if (n < options_.min_runs) continue;
      if (summarize(result.samples_ms).relative_ci_width() <= options_.target_relative_ci) break;
      if (elapsed_ms(timing_start) > options_.max_seconds_per_variant * 1000) break;
    }
    timing.reset();
    result.time = summarize(result.samples_ms);
    if (options_.profile) {
      // Counters come from a run of their own after timing: profiling never overlaps timing.
      ScopedPhase marker(observer, phase(Phase::profiling, text, variant));
      result.metrics = device_.profile(*prepared.program, prepared.plan.geometry,
                                       prepared.plan.args, buffer_views_, options_.counters);
    }
    auto inputs = metrics::inputs_for(result, device_.info(), family_.flops(problem_),
                                      family_.min_bytes(problem_));
    if (options_.cpu_baseline_ms > 0) inputs.cpu_baseline_ms = options_.cpu_baseline_ms;
    for (auto& m : metrics::derive(inputs))
      result.metrics.push_back(std::move(m));
    result.outcome = Outcome::correct;
    keep(config, std::move(prepared), result.time.median);
  } catch (const VariantFailure& failure) {
    result.outcome = failure.outcome();
    result.message = failure.what();
    result.time = summarize(result.samples_ms);
  }
  result.cost_ms = elapsed_ms(start);
  return result;
}

void KernelEvaluator::keep(const Config& config, Prepared prepared, double median_ms) {
  if (kept_.size() >= kMaxKeptPrograms) {
    auto slowest = std::max_element(kept_.begin(), kept_.end(), [](const auto& a, const auto& b) {
      return a.second.median_ms < b.second.median_ms;
    });
    if (slowest->second.median_ms <= median_ms) return;  // slower than every finalist kept
    kept_.erase(slowest);
  }
  kept_.insert_or_assign(config, Kept{std::move(prepared), median_ms});
}

void KernelEvaluator::prepare_ahead(std::span<const Config> configs) {
  std::vector<KernelSource> sources;
  for (const auto& config : configs) {
    if (kept_.contains(config) || space_.violation(config)) continue;
    try {
      sources.push_back(family_.plan(space_, config).source);
    } catch (const std::exception&) {
      // evaluate() reports it
    }
  }
  if (sources.size() < 2) return;
  try {
    device_.precompile(sources);
  } catch (const std::exception&) {
    // compile() meets the same failure and reports it with the variant
  }
}

std::vector<double> KernelEvaluator::sample(const Config& config, int runs) {
  auto it = kept_.find(config);
  std::vector<double> samples;
  try {
    if (it == kept_.end()) {
      // Asked for explicitly: kept whatever its speed, as the fastest known so far.
      it = kept_.insert_or_assign(config, Kept{prepare(config, ++evaluated_), 0.0}).first;
      run_once(it->second.prepared);  // the first launch after a build pays for lazy finalisation
    }
    auto& prepared = it->second.prepared;
    ScopedPhase timing(device_.phase_observer(),
                       phase(Phase::timing, space_.canonical(config), prepared.variant));
    for (int i = 0; i < runs; ++i) {
      if (options_.flush_caches) device_.flush_caches();
      samples.push_back(run_once(prepared));
    }
  } catch (const VariantFailure&) {
    samples.clear();
  }
  return samples;
}

}  // namespace ktune::profiles
