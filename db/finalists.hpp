#pragma once
// A session's finalists as stored: the best few configurations measured again after the search,
// winner first, with the samples they were compared on.
#include <cstdint>
#include <string>
#include <vector>

#include "core/statistics.hpp"
#include "db/store.hpp"

namespace ktune::db {

struct StoredFinalist {
  int rank = 0;             // 1 = the winner the tune reported
  std::string config;       // canonical text
  bool remeasured = false;  // fresh interleaved samples (else the search's own)
  std::vector<double> samples_ms;
  Summary time;  // of samples_ms; the median as stored (the search's objective when not re-run)
};

// Best first; empty when the session has none.
std::vector<StoredFinalist> session_finalists(const Store& store, std::int64_t session);

}  // namespace ktune::db
