#pragma once
// Everything a report shows about one stored session, read through the db layer's readers: the
// session and its device, every evaluation, the CPU baseline, the copies, the finalists and the
// verdict on them, the latest crossover sweep of its kernel on its device, and the headline
// numbers (best time, speed-ups) computed once here so the page shows what the database holds.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/device_info.hpp"
#include "core/transfer.hpp"
#include "db/baselines.hpp"
#include "db/crossovers.hpp"
#include "db/finalists.hpp"
#include "db/queries.hpp"
#include "db/store.hpp"
#include "tuner/finalists.hpp"

namespace ktune::report {

// The family's analytic work for the session's problem (unknown for imported kernels).
struct Work {
  double flops = 0;
  double min_bytes = 0;  // compulsory DRAM traffic
};

struct Headline {
  std::optional<double> best_ms;     // the session's best by rank (as `query sessions`)
  std::optional<double> default_ms;  // the default configuration: a tune's first evaluation
  std::optional<double> speedup_over_default;
  std::optional<double> speedup_vs_cpu;  // the CPU baseline's median over best_ms
  std::optional<double> end_to_end_ms;   // best_ms plus the copies in and out (pageable)
  std::optional<double> speedup_vs_cpu_end_to_end;
};

struct SessionReport {
  db::SessionSummary summary;
  std::optional<DeviceInfo> device;                // as stored, with its peaks where known
  std::vector<db::StoredMeasurement> evaluations;  // in the session's order
  std::optional<db::StoredCpuBaseline> cpu_baseline;
  std::vector<TransferTiming> transfers;
  std::vector<db::StoredFinalist> finalists;     // winner first
  std::optional<tuner::RunnerUpTest> verdict;    // with two finalists or more
  std::optional<db::StoredCrossover> crossover;  // of the kernel on the device
  std::optional<Work> work;
  Headline headline;
  // The architecture whose theoretical occupancy was computed offline for the evaluations that
  // had none (add_offline_occupancy); empty: occupancy only as recorded.
  std::string occupancy_arch;
};

// The latest session of the database; ktune::Error when it has none.
std::int64_t latest_session(const db::Store& store);

// Reads session `id`; ktune::UsageError ("ID: no such session ...", naming the sessions the
// database has) when there is none.
SessionReport load_session_report(const db::Store& store, std::int64_t id);

}  // namespace ktune::report
