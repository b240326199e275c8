#pragma once
// Crossover sweeps in the database: the device against the CPU baseline over a range of sizes.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/crossover.hpp"
#include "core/device_info.hpp"
#include "db/store.hpp"

namespace ktune::db {

struct CrossoverRecord {
  std::string kernel;
  DeviceInfo device;
  std::vector<CrossoverPoint> points;  // by size
  std::optional<std::int64_t> kernel_crossover;
  std::optional<std::int64_t> end_to_end_crossover;
};

// Stores a sweep with its points in one transaction; returns its id.
std::int64_t record_crossover(Store& store, const CrossoverRecord& crossover);

}  // namespace ktune::db
