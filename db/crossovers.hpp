#pragma once
// Crossover sweeps in the database: the device against the CPU baseline over a range of sizes.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

// A stored sweep as read back (its device by id: the record's DeviceInfo is left empty).
struct StoredCrossover {
  std::int64_t id = 0;
  std::string kernel;
  std::int64_t device_id = 0;
  std::string host;
  std::vector<CrossoverPoint> points;  // by size
  std::optional<std::int64_t> kernel_crossover;
  std::optional<std::int64_t> end_to_end_crossover;
  std::string tool_version;
  std::string created_at;
};

// The latest sweep of `kernel` on the stored device `device_id`, if any.
std::optional<StoredCrossover> latest_crossover(const Store& store, std::string_view kernel,
                                                std::int64_t device_id);

}  // namespace ktune::db
