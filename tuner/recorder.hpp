#pragma once
// What a tuning session tells whoever keeps its record: that it began (what is tuned, where, how
// and within which budget), each evaluation as it happens, the finalists' re-measurement, and
// how it ended. The results database implements it (db/session_recorder); tests record in
// memory; the tuner never knows which.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/device_info.hpp"
#include "core/evaluation.hpp"
#include "core/problem.hpp"
#include "core/session_status.hpp"
#include "core/statistics.hpp"
#include "core/transfer.hpp"
#include "kernels/baseline.hpp"
#include "space/space.hpp"
#include "tuner/budget.hpp"

namespace ktune::tuner {

// The CPU baseline a session is compared with: measured for it, or reused from the record.
struct CpuBaselineRun {
  kernels::BaselineResult result;
  std::string libraries;                  // the family's baseline libraries and versions
  std::optional<std::int64_t> stored_id;  // reused: the stored baseline's id
};

struct SessionPlan {
  std::string kernel;
  Problem problem;
  DeviceInfo device;
  std::string strategy;
  std::uint64_t seed = 0;
  Budget budget;
  std::size_t space_size = 0;                   // valid configurations searched
  std::map<std::string, std::string> settings;  // measurement settings, the space's restrictions
  std::string command;                          // what started it (the command line)
  std::string source_hash;                      // of the kernel source; empty when unknown
  std::string tool_version;
  // The device indices the search measured on, when several (evaluation_recorded's `device` is
  // a position in it); empty: `device` alone.
  std::vector<int> devices;
  std::optional<CpuBaselineRun> cpu_baseline;  // none: skipped, or the family has none
  std::vector<TransferTiming> transfers;       // the kernel's data copied in and out
};

// One finalist of the interleaved re-measurement, with its fresh samples (or its search samples
// when it could not be run again).
struct FinalistRun {
  Config config;
  std::vector<double> samples_ms;
  Summary time;
};

class Recorder {
 public:
  virtual ~Recorder() = default;
  virtual void session_begun(const SessionPlan& plan) = 0;
  // `device`: which of the session's devices measured it (0 with one device).
  virtual void evaluation_recorded(const Space& space, const Config& config,
                                   const Evaluation& evaluation, std::size_t device) = 0;
  // Best first (the winner is finalists[0]); `remeasured`: fresh interleaved samples.
  virtual void finalists_measured(const Space& space, std::span<const FinalistRun> finalists,
                                  bool remeasured) = 0;
  // `stop`: why the search stopped (none when it failed, or when it was not a search).
  virtual void session_ended(SessionStatus status, std::optional<StopReason> stop) = 0;
};

}  // namespace ktune::tuner
