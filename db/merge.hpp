#pragma once
// Merging databases (shards written on several machines) into one. Identity rows are matched by
// their natural keys, sessions by their uid, measurements by session and position: a measurement
// already present with the same configuration, time stamp, outcome and samples is a duplicate and
// skipped; one that collides in position but differs is kept and appended to its session. CPU
// baselines and crossover sweeps are matched by what they measured, and merged once.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "db/store.hpp"

namespace ktune::db {

struct MergeSourceReport {
  std::string path;
  int schema_version = 0;  // of the source; older ones are merged from a migrated copy
  std::int64_t sessions_added = 0;
  std::int64_t sessions_present = 0;  // already in the target (same uid)
  std::int64_t sessions_updated = 0;  // of those, ended later in the source: status taken
  std::int64_t measurements_added = 0;
  std::int64_t duplicates = 0;  // already in the target: skipped
  std::int64_t renumbered = 0;  // added at the end of their session (position taken)
};

// Merges every source into `into`, one transaction per source; sources are only read. Throws
// UsageError when a source is the target itself, ktune::Error when a source cannot be read (the
// sources before it stay merged).
std::vector<MergeSourceReport> merge_databases(Store& into,
                                               const std::vector<std::filesystem::path>& sources);

}  // namespace ktune::db
