#include "core/transfer.hpp"

namespace ktune {

std::optional<double> round_trip_ms(std::span<const TransferTiming> transfers, HostMemory memory) {
  std::optional<double> in, out;
  for (const auto& t : transfers) {
    if (t.memory != memory || t.time.count == 0) continue;
    (t.direction == CopyDirection::host_to_device ? in : out) = t.time.median;
  }
  if (!in || !out) return std::nullopt;
  return *in + *out;
}

}  // namespace ktune
