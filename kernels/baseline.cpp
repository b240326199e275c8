#include "kernels/baseline.hpp"

#include <chrono>
#include <thread>

#include "core/rates.hpp"

namespace ktune::kernels {

int resolve_threads(int requested) {
  if (requested > 0) return requested;
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware > 0 ? static_cast<int>(hardware) : 1;
}

std::vector<double> time_cpu(const std::function<void()>& body, const BaselineOptions& options) {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < options.warmup_runs; ++i)
    body();
  std::vector<double> samples;
  const auto start = Clock::now();
  while (static_cast<int>(samples.size()) < options.max_runs) {
    const auto t0 = Clock::now();
    body();
    samples.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (static_cast<int>(samples.size()) < options.min_runs) continue;
    if (summarize(samples).relative_ci_width() <= options.target_relative_ci) break;
    if (std::chrono::duration<double>(Clock::now() - start).count() > options.max_seconds) break;
  }
  return samples;
}

void summarize_result(BaselineResult& result, double flops) {
  result.time = summarize(result.samples_ms);
  result.gflops = gflops_per_second(flops, result.time.median);
}

void to_json(Json& j, const BaselineResult& r) {
  j = Json{{"method", r.method},         {"library", r.library}, {"threads", r.threads},
           {"samples_ms", r.samples_ms}, {"time", r.time},       {"gflops", finite_json(r.gflops)}};
}

}  // namespace ktune::kernels
