#pragma once
// The CPU baseline a tune compares itself with: the one stored for this problem, host, thread
// count and library versions, or else measured now (all cores, timed like the kernels).
#include <optional>
#include <string>

#include "cli/tune_target.hpp"
#include "db/store.hpp"
#include "tuner/recorder.hpp"

namespace ktune::cli {

struct TuneBaseline {
  std::optional<tuner::CpuBaselineRun> run;
  std::string skipped;  // why there is none
};

// Reads the store, never writes it (the session's recorder does).
TuneBaseline tune_baseline(const TuneOptions& options, const Target& target,
                           const db::Store& store);

// The baseline `family` would be compared with for `problem`: stored, or measured now.
TuneBaseline cpu_baseline_for(const kernels::Family& family, const Problem& problem,
                              const db::Store& store, std::uint64_t seed);

}  // namespace ktune::cli
