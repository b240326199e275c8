#include "db/transfers.hpp"

#include "core/json.hpp"
#include "db/samples_text.hpp"
#include "db/sqlite.hpp"

namespace ktune::db {

void record_transfers(Store& store, std::int64_t session,
                      std::span<const TransferTiming> transfers) {
  auto& c = store.connection();
  Transaction tx(c);
  Statement s(c,
              "INSERT OR REPLACE INTO transfers (session_id, direction, memory, bytes, runs, "
              "samples_ms, median_ms, ci_low_ms, ci_high_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& t : transfers) {
    if (t.time.count == 0) continue;
    s.reset();
    s.bind(1, session)
        .bind(2, enum_name(t.direction))
        .bind(3, enum_name(t.memory))
        .bind(4, static_cast<std::int64_t>(t.bytes))
        .bind(5, static_cast<std::int64_t>(t.time.count))
        .bind(6, samples_text(t.samples_ms))
        .bind(7, t.time.median)
        .bind(8, t.time.ci_low)
        .bind(9, t.time.ci_high);
    s.run();
  }
  tx.commit();
}

std::vector<TransferTiming> session_transfers(const Store& store, std::int64_t session) {
  Statement s(store.connection(),
              "SELECT direction, memory, bytes, samples_ms FROM transfers WHERE session_id = ? "
              "ORDER BY memory = 'pinned', direction = 'device_to_host'");
  s.bind(1, session);
  std::vector<TransferTiming> transfers;
  while (s.step()) {
    TransferTiming t;
    t.direction = enum_from_name<CopyDirection>(s.text(0)).value_or(CopyDirection::host_to_device);
    t.memory = enum_from_name<HostMemory>(s.text(1)).value_or(HostMemory::pageable);
    t.bytes = static_cast<std::uint64_t>(s.integer(2));
    t.samples_ms = samples_from_text(s.text(3), NonNumbers::skip);
    t.time = summarize(t.samples_ms);
    transfers.push_back(std::move(t));
  }
  return transfers;
}

}  // namespace ktune::db
