#include "runtime/tuned_table.hpp"

#include <algorithm>
#include <fstream>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json.hpp"
#include "db/queries.hpp"

namespace ktune::runtime {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* kFormat = "ktune-tuned-table";
constexpr int kFormatVersion = 1;

}  // namespace

std::vector<std::pair<std::string, std::string>> split_config(std::string_view config) {
  std::vector<std::pair<std::string, std::string>> values;
  std::size_t start = 0;
  while (start < config.size()) {
    auto end = config.find(',', start);
    if (end == std::string_view::npos) end = config.size();
    const auto item = config.substr(start, end - start);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == item.size())
      throw UsageError(fmt::format("configuration '{}': '{}' is not NAME=VALUE", config, item));
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
  std::ifstream in(path);
  if (!in)
    throw UsageError(
        fmt::format("tuned table '{}': cannot be read (an export's <kernel>.json "
                    "written by ktune export is expected)",
                    path.string()));
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::parse_error& e) {
    throw UsageError(fmt::format("tuned table '{}': not JSON ({})", path.string(), e.what()));
  }
  try {
    if (doc.value("format", "") != kFormat)
      throw UsageError(fmt::format("tuned table '{}': not a ktune export (format '{}' expected)",
                                   path.string(), kFormat));
    if (doc.at("version").get<int>() > kFormatVersion)
      throw UsageError(
          fmt::format("tuned table '{}': format version {} is newer than this ktune reads ({})",
                      path.string(), doc.at("version").get<int>(), kFormatVersion));
    TunedTable table;
    table.kernel = doc.at("kernel").get<std::string>();
    table.source = path.string();
    for (const auto& e : doc.at("entries")) {
      TunedEntry entry;
      entry.problem.kernel = table.kernel;
      for (const auto& [name, size] : e.at("problem").items())
        entry.problem.dims.emplace_back(name, size.get<std::int64_t>());
      entry.problem.dtype = e.value("dtype", "f32");
      entry.device = e.at("device").get<DeviceInfo>();
      entry.config = e.at("config").get<std::string>();
      entry.values = split_config(entry.config);
      entry.median_ms = e.at("median_ms").get<double>();
      entry.measurement = e.value("measurement", std::int64_t{0});
      entry.measured_at = e.value("measured_at", "");
      table.entries.push_back(std::move(entry));
    }
    return table;
  } catch (const json::exception& e) {
    throw UsageError(fmt::format("tuned table '{}': {}", path.string(), e.what()));
  }
}

}  // namespace ktune::runtime
