#pragma once
// The CPU baseline: the best the host CPU does on a family's problem (an optimised library, never
// a naive loop), timed the way kernels are: warm-up runs, then repeats until the 95% confidence
// interval of the median is narrow, or a cap is reached.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/statistics.hpp"

namespace ktune::kernels {

struct BaselineOptions {
  int threads = 0;  // 0: one per hardware thread
  int warmup_runs = 2;
  int min_runs = 5;
  int max_runs = 50;
  double target_relative_ci = 0.05;
  double max_seconds = 5.0;  // cap on the timed runs of one method
  std::uint64_t seed = 1;    // of the random inputs
  std::string method;        // empty: every method of the family
};

struct BaselineResult {
  std::string method;   // "openblas_sgemm", "onednn", "im2col_sgemm"
  std::string library;  // what ran it, with its version: "OpenBLAS 0.3.21 ..."
  int threads = 0;
  std::vector<double> samples_ms;  // wall-clock milliseconds of every timed run
  Summary time;
  double gflops = 0;  // of the median run
};

// The thread count `requested` stands for (0: the hardware's).
int resolve_threads(int requested);

// Runs `body` options.warmup_runs times, then times it per `options` (wall clock) and returns the
// samples in milliseconds.
std::vector<double> time_cpu(const std::function<void()>& body, const BaselineOptions& options);

// {"method", "library", "threads", "samples_ms", "time" (Summary), "gflops"}
void to_json(Json& j, const BaselineResult& r);

// Fills in time and GFLOP/s from the samples.
void summarize_result(BaselineResult& result, double flops);

}  // namespace ktune::kernels
