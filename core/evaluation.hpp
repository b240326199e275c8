#pragma once
// The result of evaluating one configuration: outcome, every timing sample, and what was learnt
// about the variant on the way (compile time, verification error, resources, metrics).
#include <optional>
#include <string>
#include <vector>

#include "core/outcome.hpp"
#include "core/statistics.hpp"

namespace ktune {

enum class MetricSource { measured, derived };

struct Metric {
  std::string name;  // "dram_bytes_read", "gflops", ...
  double value = 0;
  std::string unit;  // "byte", "GFLOP/s", "%", ...
  MetricSource source = MetricSource::derived;
};

// Static resource use of a compiled variant (CUDA: from ptxas; unknown fields stay empty).
struct Resources {
  std::optional<int> registers;
  std::optional<int> shared_bytes;  // static shared memory per block
  std::optional<int> stack_bytes;
  std::optional<int> spill_store_bytes;
  std::optional<int> spill_load_bytes;
  std::optional<int> const_bytes;
  std::optional<double> theoretical_occupancy;  // 0..1
  std::string occupancy_limiter;                // "threads", "registers", "shared_memory", "blocks"
};

struct Evaluation {
  Outcome outcome = Outcome::invalid;
  std::string message;             // why, for every outcome but `correct`
  std::vector<double> samples_ms;  // every timed run, in order
  Summary time;                    // summary of samples_ms
  double compile_ms = 0;
  std::optional<double> max_error;  // relative L2 error against the CPU reference
  Resources resources;
  std::vector<Metric> metrics;
  double cost_ms = 0;  // what evaluating it cost: wall time, or recorded time in a replay

  bool ok() const { return outcome == Outcome::correct; }
  // The objective the tuner minimises: the median time, for correct variants only.
  std::optional<double> objective_ms() const {
    if (!ok() || time.count == 0) return std::nullopt;
    return time.median;
  }
};

}  // namespace ktune
