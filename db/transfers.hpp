#pragma once
// The copies of a session's kernel data between host and device, as the backend timed them.
#include <cstdint>
#include <span>
#include <vector>

#include "core/transfer.hpp"
#include "db/store.hpp"

namespace ktune::db {

// Replaces what the session had for the same direction and host memory (a resumed session
// measures them again).
void record_transfers(Store& store, std::int64_t session,
                      std::span<const TransferTiming> transfers);
// Pageable first, then pinned; host-to-device before device-to-host.
std::vector<TransferTiming> session_transfers(const Store& store, std::int64_t session);

}  // namespace ktune::db
