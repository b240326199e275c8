#pragma once
// Copies between host and device memory, as the backend timed them: a kernel's inputs go in,
// its output comes back. Kernel-only time leaves them out; end-to-end time adds them.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/statistics.hpp"

namespace ktune {

enum class CopyDirection { host_to_device, device_to_host };
// Pageable: ordinary host memory (the driver stages it); pinned: page-locked, copied directly.
enum class HostMemory { pageable, pinned };

// Every copy of one direction, from one kind of host memory, timed together: a sample is the
// time to copy all of the kernel's inputs (or its output) once.
struct TransferTiming {
  CopyDirection direction = CopyDirection::host_to_device;
  HostMemory memory = HostMemory::pageable;
  std::uint64_t bytes = 0;
  std::vector<double> samples_ms;
  Summary time;
};

// Median time of the copies in plus the copies out from `memory`; nothing when either is
// missing.
std::optional<double> round_trip_ms(std::span<const TransferTiming> transfers, HostMemory memory);

}  // namespace ktune
