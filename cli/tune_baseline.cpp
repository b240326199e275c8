#include "cli/tune_baseline.hpp"

#include <fmt/format.h>

#include "db/baselines.hpp"

namespace ktune::cli {

TuneBaseline cpu_baseline_for(const kernels::Family& family, const Problem& problem,
                              const db::Store& store, std::uint64_t seed) {
  TuneBaseline b;
  if (family.baseline_methods().empty()) {
    b.skipped = fmt::format("{} has no CPU baseline", family.name());
    return b;
  }
  kernels::BaselineOptions options;
  options.seed = seed;
  options.max_seconds = 3.0;
  const int threads = kernels::resolve_threads(options.threads);
  const std::string libraries = family.baseline_libraries();
  if (auto stored = db::find_cpu_baseline(store, problem, threads, libraries)) {
    tuner::CpuBaselineRun run;
    run.result.method = stored->method;
    run.result.library = stored->library;
    run.result.threads = stored->threads;
    run.result.samples_ms = stored->samples_ms;
    run.result.time = stored->time;
    run.result.gflops = stored->gflops;
    run.libraries = libraries;
    run.stored_id = stored->id;
    b.run = std::move(run);
    return b;
  }
  auto results = family.cpu_baseline(problem, options);
  if (results.empty() || results.front().time.count == 0) {
    b.skipped = "the CPU baseline did not run";
    return b;
  }
  b.run = tuner::CpuBaselineRun{std::move(results.front()), libraries, std::nullopt};
  return b;
}

TuneBaseline tune_baseline(const TuneOptions& options, const Target& target,
                           const db::Store& store) {
  if (options.no_baseline) return {std::nullopt, "skipped (--no-baseline)"};
  if (target.replay())
    return {std::nullopt, "a replay has no CPU baseline (the recorded kernel never runs here)"};
  return cpu_baseline_for(*target.family, target.problem, store, options.seed);
}

}  // namespace ktune::cli
