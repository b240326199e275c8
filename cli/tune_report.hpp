#pragma once
// What `ktune tune` prints: the JSON document (the output contract) or the table, and the live
// progress line.
#include <cstdint>
#include <optional>
#include <string>

#include "cli/tune_target.hpp"
#include "core/json.hpp"
#include "db/baselines.hpp"
#include "db/records.hpp"
#include "tuner/finalists.hpp"
#include "tuner/session.hpp"
#include "tuner/shard.hpp"

namespace ktune::cli {

struct Report {
  const TuneOptions& options;
  const Target& target;
  std::size_t space_size;
  std::optional<tuner::Shard> shard;
  const tuner::Budget& budget;
  const tuner::TuneResult& result;
  const tuner::Verdict& verdict;
  db::StoredSession session;
  std::string database;
  std::optional<db::StoredCpuBaseline> cpu_baseline;  // what the session was compared with
  std::string cpu_baseline_skipped;                   // else: why not
  std::vector<TransferTiming> transfers;              // as stored (target.transfers_skipped)
};

void print_json(const Report& r);
// The document print_json prints.
Json report_json(const Report& r);
void print_table(const Report& r);

// "[12/50960] 3m07s elapsed, ETA 1m00s | best 1.2345 ms (BM=64,...)", cut to `width`.
std::string progress_line(const tuner::TuneResult& r, std::size_t space_size,
                          const tuner::Budget& budget, const Target& target, std::size_t width);

// "42s", "3m07s", "1h05m"; "?" when unknown.
std::string duration(double seconds);
// What is left of the session: the nearest of the budgets and the end of the space.
std::optional<double> eta_seconds(const tuner::TuneResult& r, std::size_t space_size,
                                  const tuner::Budget& budget);

}  // namespace ktune::cli
