#pragma once
// The CPU baselines in the database: measured once per problem, host, thread count and library
// versions, found again by them (a tune reuses one rather than measuring again), and linked to
// the sessions compared with them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/problem.hpp"
#include "core/statistics.hpp"
#include "db/store.hpp"

namespace ktune::db {

struct StoredCpuBaseline {
  std::int64_t id = 0;    // 0 until stored
  std::string problem;    // canonical text
  std::string host;       // empty when inserting: this machine
  std::string method;     // openblas_sgemm | onednn | im2col_sgemm
  std::string library;    // what ran it, as the library describes itself
  std::string libraries;  // the family's baseline libraries and versions (the reuse key)
  int threads = 0;
  std::vector<double> samples_ms;
  Summary time;
  double gflops = 0;
  std::string tool_version;
  std::string created_at;
  bool reused = false;  // of a session's baseline: measured before the session
};

// The latest baseline of `problem` measured on `host` (empty: this machine) with `threads`
// threads and the same `libraries`.
std::optional<StoredCpuBaseline> find_cpu_baseline(const Store& store, const Problem& problem,
                                                   int threads, std::string_view libraries,
                                                   std::string_view host = {});
// Stores a newly measured baseline; returns its id.
std::int64_t insert_cpu_baseline(Store& store, const Problem& problem,
                                 const StoredCpuBaseline& baseline);
// Links `session` to the baseline it is compared with (once: a resumed session keeps its own).
void link_cpu_baseline(Store& store, std::int64_t session, std::int64_t baseline, bool reused);
// The baseline a session was compared with, if any.
std::optional<StoredCpuBaseline> session_cpu_baseline(const Store& store, std::int64_t session);
std::optional<StoredCpuBaseline> cpu_baseline(const Store& store, std::int64_t id);

}  // namespace ktune::db
