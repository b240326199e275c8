#pragma once
// Read-only questions about a results database, as plain data for the CLI to print: devices,
// sessions, the fastest configurations of a problem, a configuration's history, two devices
// compared, every measurement for export, and the state of the file itself.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/device_info.hpp"
#include "core/problem.hpp"
#include "db/store.hpp"

namespace ktune::db {

struct StoredDevice {
  std::int64_t id = 0;
  std::string fingerprint;
  DeviceInfo info;
  std::string first_seen;
  std::int64_t sessions = 0;
  std::int64_t measurements = 0;
};

// `counts`: also count each device's sessions and measurements (a scan of every measurement).
std::vector<StoredDevice> devices(const Store& store, bool counts = true);
// Devices matching a selector: an id ("3"); KEY=VALUE pairs joined by commas over name, backend,
// arch, vendor, driver, runtime, fingerprint (each a case-insensitive substring); or text found
// in the name or equal to the fingerprint. Throws UsageError for an unknown key.
std::vector<StoredDevice> find_devices(const Store& store, std::string_view selector);

struct SessionFilter {
  std::string kernel;                  // empty: every kernel
  std::optional<std::int64_t> device;  // device id
  std::size_t limit = 0;               // the most recent N; 0: all
};

struct SessionSummary {
  StoredSession session;
  std::int64_t measurements = 0;
  std::int64_t correct = 0;
  std::optional<double> best_ms;
  std::string best_config;
};
std::vector<SessionSummary> session_summaries(const Store& store, const SessionFilter& filter);

// The fastest correct configurations of `kernel` for exactly `problem`, best first: each
// configuration once per device (its best measurement). `device` limits to one device.
std::vector<StoredMeasurement> top_configurations(const Store& store, std::string_view kernel,
                                                  const Problem& problem,
                                                  std::optional<std::int64_t> device,
                                                  std::size_t limit);

// Configurations of `kernel` whose values include every NAME=VALUE of `config` ("TS=16" matches
// every configuration with TS=16; a full canonical text matches that one).
std::vector<std::int64_t> matching_configurations(const Store& store, std::string_view kernel,
                                                  std::string_view config);

// Every measurement of those configurations, oldest first, optionally for one problem (canonical
// shape) and one device.
std::vector<StoredMeasurement> configuration_history(
    const Store& store, const std::vector<std::int64_t>& configurations,
    const std::optional<Problem>& problem, std::optional<std::int64_t> device);

// Two devices (or one GPU under two driver or toolkit versions, which are two device rows) on
// the problems of `kernel` that both have correct measurements for.
struct Comparison {
  std::string problem;
  std::string dtype;
  std::string a_config;
  double a_ms = 0;
  std::string b_config;
  double b_ms = 0;
  std::size_t common_configs = 0;      // configurations measured correctly on both
  std::optional<double> common_ratio;  // geometric mean of b/a over those
};
std::vector<Comparison> compare_devices(const Store& store, std::string_view kernel,
                                        std::int64_t device_a, std::int64_t device_b);

// The problems of a kernel that have measurements, with their sizes.
struct StoredProblem {
  std::int64_t id = 0;
  Problem problem;
};
std::vector<StoredProblem> problems(const Store& store, std::string_view kernel);

// Every stored measurement with everything known about it, in id order.
struct ExportFilter {
  std::string kernel;
  std::optional<std::int64_t> device;
  std::optional<std::int64_t> session;
};
void for_each_measurement(const Store& store, const ExportFilter& filter,
                          const std::function<void(const StoredMeasurement&)>& visit);

// The kernels with anything stored, sorted.
std::vector<std::string> kernel_names(const Store& store);

struct DatabaseInfo {
  std::string path;
  int schema_version = 0;
  std::string journal_mode;
  std::uintmax_t bytes = 0;                                // the file, its WAL excluded
  std::vector<std::pair<std::string, std::int64_t>> rows;  // table -> rows
  struct Migration {
    int version = 0;
    std::string applied_at;
    std::string tool_version;
    std::string backup;
  };
  std::vector<Migration> migrations;
};
DatabaseInfo database_info(const Store& store);

// What PRAGMA integrity_check and foreign_key_check find; empty when the file is sound.
std::vector<std::string> check_database(const Store& store);

}  // namespace ktune::db
