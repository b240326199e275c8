#pragma once
// The tuned results of one kernel as a table: for every (device, shape) the database holds, the
// fastest correct configuration. `ktune export` writes it as JSON next to the generated header;
// the runtime library reads it back (TunedConfigs::from_export).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/device_info.hpp"
#include "core/problem.hpp"
#include "db/store.hpp"

namespace ktune::runtime {

struct TunedEntry {
  Problem problem;
  DeviceInfo device;
  std::string config;                                       // canonical text
  std::vector<std::pair<std::string, std::string>> values;  // NAME, value as written in `config`
  double median_ms = 0;
  std::int64_t measurement = 0;  // its id in the database it came from
  std::string measured_at;
};

struct TunedTable {
  std::string kernel;
  std::string source;  // the database (or file) it was taken from
  std::vector<TunedEntry> entries;
};

// The fastest correct configuration of `kernel` for every stored (device, shape), restricted to
// the given device ids and problems when they are not empty. Entries are sorted by device, then
// shape.
TunedTable collect_tuned(const db::Store& store, std::string_view kernel,
                         const std::vector<std::int64_t>& devices,
                         const std::vector<Problem>& problems);

// "BM=64,BN=32" -> {{"BM","64"},{"BN","32"}}. Throws UsageError on a malformed text.
std::vector<std::pair<std::string, std::string>> split_config(std::string_view config);

nlohmann::ordered_json to_json(const TunedTable& table);
// Throws UsageError naming the file, the field (and its entry) and what is wrong with it: a
// missing, empty or oversized file, text that is not UTF-8 or not JSON, nesting deeper than 64
// levels, another format or a newer version, a value of the wrong type or out of range (times
// greater than 0, sizes and ids 0 or more), a configuration that is not NAME=VALUE,...
TunedTable read_tuned_table(const std::filesystem::path& path);
// The same from the file's bytes; `source` names it in errors and in TunedTable::source.
TunedTable parse_tuned_table(std::string_view text, const std::string& source);

}  // namespace ktune::runtime
