#include "runtime/tuned_table.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/json_input.hpp"
#include "core/utf8.hpp"
#include "db/queries.hpp"

namespace ktune::runtime {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* kFormat = "ktune-tuned-table";
constexpr int kFormatVersion = 1;
constexpr std::uintmax_t kMaxBytes = std::uintmax_t{1} << 28;
constexpr double kMaxMs = 1e9;
const std::string kTimeAccepted =
    fmt::format("a time in milliseconds greater than 0 and at most {:.0f}", kMaxMs);

// The device of an entry, each field checked for its type and range before core's reader takes
// it (which would convert out-of-range numbers silently, or fail in the JSON library's words).
DeviceInfo device_of(const json_input::Field& device) {
  device.members();  // an object
  for (const char* key : {"backend", "name"})
    device.at(key).text();
  for (const char* key : {"vendor", "architecture", "driver_version", "runtime_version"})
    json_input::text_or(device, key, "");
  constexpr auto kInt = std::numeric_limits<int>::max();
  constexpr auto kBytes = std::numeric_limits<std::int64_t>::max();
  const std::pair<const char*, std::int64_t> kCounts[] = {
      {"index", kInt},
      {"compute_units", kInt},
      {"max_threads_per_block", kInt},
      {"warp_size", kInt},
      {"global_memory_bytes", kBytes},
      {"max_allocation_bytes", kBytes},
      {"shared_memory_per_block_bytes", kBytes},
      {"shared_memory_per_block_optin_bytes", kBytes},
      {"l2_bytes", kBytes}};
  for (const auto& [key, limit] : kCounts)
    if (const auto field = device.find(key); field && !field->json().is_null())
      field->integer(0, limit, fmt::format("a whole number from 0 to {}", limit));
  for (const char* key : {"clock_mhz", "peak_bandwidth_gbs", "peak_gflops_fp32"})
    if (const auto field = device.find(key); field && !field->json().is_null())
      field->number(0, std::numeric_limits<double>::max(), false, "a number, 0 or more");
  if (const auto dims = device.find("max_block_dim")) {
    const auto sizes = dims->elements();
    if (sizes.size() != 3) dims->fail(fmt::format("has {} sizes, not 3", sizes.size()));
    for (const auto& size : sizes)
      size.integer(0, kInt, fmt::format("a whole number from 0 to {}", kInt));
  }
  return nlohmann::json(device.json()).get<DeviceInfo>();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> split_config(std::string_view config) {
  std::vector<std::pair<std::string, std::string>> values;
  if (config.empty()) return values;
  std::size_t start = 0;
  while (start <= config.size()) {
    auto end = config.find(',', start);
    if (end == std::string_view::npos) end = config.size();
    const auto item = config.substr(start, end - start);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size())
      throw UsageError(fmt::format("configuration '{}': '{}' is not NAME=VALUE", printable(config),
                                   printable(item)));
    values.emplace_back(std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)));
    start = end + 1;
  }
  return values;
}

TunedTable collect_tuned(const db::Store& store, std::string_view kernel,
                         const std::vector<std::int64_t>& devices,
                         const std::vector<Problem>& problems) {
  TunedTable table;
  table.kernel = std::string(kernel);
  table.source = store.path();
  const auto stored_devices = db::devices(store, false);
  for (const auto& stored : db::problems(store, kernel)) {
    if (!problems.empty() &&
        std::find(problems.begin(), problems.end(), stored.problem) == problems.end())
      continue;
    for (const auto& device : stored_devices) {
      if (!devices.empty() && std::find(devices.begin(), devices.end(), device.id) == devices.end())
        continue;
      const auto best = db::top_configurations(store, kernel, stored.problem, device.id, 1);
      if (best.empty() || best.front().evaluation.time.count == 0) continue;
      TunedEntry entry;
      entry.problem = stored.problem;
      entry.device = device.info;
      entry.config = best.front().config;
      entry.values = split_config(entry.config);
      entry.median_ms = best.front().evaluation.time.median;
      entry.measurement = best.front().id;
      entry.measured_at = best.front().created_at;
      table.entries.push_back(std::move(entry));
    }
  }
  std::stable_sort(table.entries.begin(), table.entries.end(),
                   [](const TunedEntry& a, const TunedEntry& b) {
                     return std::tie(a.device.backend, a.device.name, a.device.architecture) <
                            std::tie(b.device.backend, b.device.name, b.device.architecture);
                   });
  return table;
}

nlohmann::ordered_json to_json(const TunedTable& table) {
  json doc{{"format", kFormat},
           {"version", kFormatVersion},
           {"kernel", table.kernel},
           {"source", table.source},
           {"entries", json::array()}};
  for (const auto& e : table.entries) {
    json dims = json::object();
    for (const auto& [name, size] : e.problem.dims)
      dims[name] = size;
    json values = json::object();
    for (const auto& [name, value] : e.values)
      values[name] = value;
    doc["entries"].push_back({{"device", Json(e.device)},
                              {"problem", dims},
                              {"dtype", e.problem.dtype},
                              {"config", e.config},
                              {"values", values},
                              {"median_ms", e.median_ms},
                              {"measurement", e.measurement},
                              {"measured_at", e.measured_at}});
  }
  return doc;
}

TunedTable read_tuned_table(const std::filesystem::path& path) {
  const json_input::Document document{"tuned table", path.string()};
  return parse_tuned_table(json_input::read_file(document, path, kMaxBytes), path.string());
}

TunedTable parse_tuned_table(std::string_view text, const std::string& source) {
  const json_input::Document document{"tuned table", source};
  const json doc = json_input::parse(document, text);
  const json_input::Field root(document, doc);
  if (!doc.is_object() || !doc.contains("format") || !doc["format"].is_string() ||
      doc["format"].get<std::string>() != kFormat)
    document.fail(fmt::format(
        "not a ktune export (an export's <kernel>.json written by ktune export, format '{}', is "
        "expected)",
        kFormat));
  const auto version = root.at("version").integer(1, std::numeric_limits<std::int64_t>::max(),
                                                  "a format version (1 or more)");
  if (version > kFormatVersion)
    document.fail(fmt::format("format version {} is newer than this ktune reads ({})", version,
                              kFormatVersion));
  TunedTable table;
  table.kernel = root.at("kernel").text();
  table.source = source;
  for (const auto& e : root.at("entries").elements()) {
    TunedEntry entry;
    entry.problem.kernel = table.kernel;
    for (const auto& [name, size] : e.at("problem").members())
      entry.problem.dims.emplace_back(
          name, size.integer(0, std::numeric_limits<std::int64_t>::max(), "a size (0 or more)"));
    entry.problem.dtype = json_input::text_or(e, "dtype", "f32");
    entry.device = device_of(e.at("device"));
    const auto config = e.at("config");
    entry.config = config.text();
    try {
      entry.values = split_config(entry.config);
    } catch (const UsageError& error) {
      config.fail(error.what());
    }
    entry.median_ms = e.at("median_ms").number(0, kMaxMs, true, kTimeAccepted);
    if (const auto measurement = e.find("measurement"))
      entry.measurement = measurement->integer(0, std::numeric_limits<std::int64_t>::max(),
                                               "a measurement id (0 or more)");
    entry.measured_at = json_input::text_or(e, "measured_at", "");
    table.entries.push_back(std::move(entry));
  }
  return table;
}

}  // namespace ktune::runtime
