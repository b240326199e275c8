#include "db/queries.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/utf8.hpp"
#include "db/catalog.hpp"
#include "db/measurement_reader.hpp"
#include "db/sqlite.hpp"

namespace ktune::db {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool contains(std::string_view haystack, std::string_view needle) {
  return lower(haystack).find(lower(needle)) != std::string::npos;
}

std::string json_ids(const std::vector<std::int64_t>& ids) {
  return nlohmann::json(ids).dump();
}

}  // namespace

std::vector<StoredDevice> devices(const Store& store, bool counts) {
  auto& c = store.connection();
  std::map<std::int64_t, std::int64_t> sessions, measurements;
  if (counts) {
    Statement s(c, "SELECT device_id, COUNT(*) FROM sessions GROUP BY device_id");
    while (s.step())
      sessions[s.integer(0)] = s.integer(1);
  }
  if (counts) {
    Statement s(c, "SELECT device_id, COUNT(*) FROM measurements GROUP BY device_id");
    while (s.step())
      measurements[s.integer(0)] = s.integer(1);
  }
  Statement s(c, fmt::format("SELECT id, fingerprint, first_seen, {} FROM devices ORDER BY id",
                             catalog::kDeviceColumns));
  std::vector<StoredDevice> list;
  while (s.step()) {
    StoredDevice d;
    d.id = s.integer(0);
    d.fingerprint = s.text(1);
    d.first_seen = s.text(2);
    d.info = catalog::read_device(s, 3);
    d.sessions = sessions[d.id];
    d.measurements = measurements[d.id];
    list.push_back(std::move(d));
  }
  return list;
}

std::vector<StoredDevice> find_devices(const Store& store, std::string_view selector) {
  auto all = devices(store, false);
  std::vector<StoredDevice> found;
  const bool is_id = !selector.empty() && std::all_of(selector.begin(), selector.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
  if (is_id) {
    for (auto& d : all)
      if (std::to_string(d.id) == selector) found.push_back(d);
    return found;
  }
  if (selector.find('=') == std::string_view::npos) {
    for (auto& d : all)
      if (d.fingerprint == selector || contains(d.info.name, selector)) found.push_back(d);
    return found;
  }
  std::vector<std::pair<std::string, std::string>> terms;
  std::size_t start = 0;
  while (start <= selector.size()) {
    auto comma = selector.find(',', start);
    if (comma == std::string_view::npos) comma = selector.size();
    const auto term = selector.substr(start, comma - start);
    const auto eq = term.find('=');
    if (eq == std::string_view::npos)
      throw UsageError(fmt::format(
          "{}: '{}' is not KEY=VALUE (accepted: an id, text of the name, or KEY=VALUE,... with "
          "keys name, backend, arch, vendor, driver, runtime, fingerprint)",
          selector, term));
    terms.emplace_back(lower(term.substr(0, eq)), std::string(term.substr(eq + 1)));
    start = comma + 1;
  }
  for (const auto& [key, value] : terms) {
    static const std::vector<std::string> kKeys{"name",   "backend", "arch",       "vendor",
                                                "driver", "runtime", "fingerprint"};
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end())
      throw UsageError(
          fmt::format("{}: unknown key '{}' (accepted: name, backend, arch, vendor, "
                      "driver, runtime, fingerprint)",
                      selector, key));
  }
  for (auto& d : all) {
    bool match = true;
    for (const auto& [key, value] : terms) {
      const std::string& field = key == "name"      ? d.info.name
                                 : key == "backend" ? d.info.backend
                                 : key == "arch"    ? d.info.architecture
                                 : key == "vendor"  ? d.info.vendor
                                 : key == "driver"  ? d.info.driver_version
                                 : key == "runtime" ? d.info.runtime_version
                                                    : d.fingerprint;
      match = match && contains(field, value);
    }
    if (match) found.push_back(d);
  }
  return found;
}

std::vector<SessionSummary> session_summaries(const Store& store, const SessionFilter& filter) {
  auto& c = store.connection();
  Statement stats(c,
                  "SELECT COUNT(*), SUM(m.outcome = 'correct') FROM measurements m "
                  "WHERE m.session_id = ?");
  Statement best(c,
                 "SELECT c.canonical, m.median_ms FROM measurements m "
                 "JOIN configurations c ON c.id = m.configuration_id "
                 "WHERE m.session_id = ? AND m.outcome = 'correct' AND m.rank_ms IS NOT NULL "
                 "ORDER BY m.rank_ms, m.id LIMIT 1");
  std::vector<SessionSummary> list;
  for (auto& session : store.sessions()) {
    if (!filter.kernel.empty() && session.kernel != filter.kernel) continue;
    if (filter.device && session.device_id != *filter.device) continue;
    SessionSummary summary;
    stats.reset();
    stats.bind(1, session.id);
    stats.step();
    summary.measurements = stats.integer(0);
    summary.correct = stats.optional_integer(1).value_or(0);
    best.reset();
    best.bind(1, session.id);
    if (best.step()) {
      summary.best_config = best.text(0);
      summary.best_ms = best.optional_real(1);
    }
    summary.session = std::move(session);
    list.push_back(std::move(summary));
  }
  if (filter.limit && list.size() > filter.limit)
    list.erase(list.begin(), list.end() - static_cast<std::ptrdiff_t>(filter.limit));
  return list;
}

std::vector<StoredMeasurement> top_configurations(const Store& store, std::string_view kernel,
                                                  const Problem& problem,
                                                  std::optional<std::int64_t> device,
                                                  std::size_t limit) {
  // Each configuration once per device, by its best-ranked measurement (rank_ms: the median, or
  // the finalists' verdict); with one MIN() aggregate,
  // SQLite takes the bare column (the id) from the row with the minimum.
  Statement ids(store.connection(),
                fmt::format("SELECT m.id, MIN(m.rank_ms) AS best_ms FROM measurements m "
                            "JOIN configurations c ON c.id = m.configuration_id "
                            "JOIN kernels k ON k.id = c.kernel_id "
                            "JOIN problems p ON p.id = m.problem_id "
                            "WHERE p.family = ? AND p.dtype = ? AND p.shape = ? AND k.family = ? "
                            "AND m.outcome = 'correct' AND m.rank_ms IS NOT NULL {} "
                            "GROUP BY m.device_id, m.configuration_id ORDER BY best_ms, m.id "
                            "LIMIT ?",
                            device ? "AND m.device_id = ?" : ""));
  ids.bind(1, problem.kernel).bind(2, problem.dtype).bind(3, problem.canonical()).bind(4, kernel);
  int i = 5;
  if (device) ids.bind(i++, *device);
  ids.bind(i++, limit ? static_cast<std::int64_t>(limit) : std::int64_t{-1});
  std::vector<StoredMeasurement> list;
  while (ids.step())
    if (auto m = store.measurement(ids.integer(0))) list.push_back(std::move(*m));
  return list;
}

std::vector<std::int64_t> matching_configurations(const Store& store, std::string_view kernel,
                                                  std::string_view config) {
  auto& c = store.connection();
  std::vector<std::int64_t> ids;
  {
    Statement s(c,
                "SELECT c.id FROM configurations c JOIN kernels k ON k.id = c.kernel_id "
                "WHERE k.family = ? AND c.canonical = ? ORDER BY c.id");
    s.bind(1, kernel).bind(2, config);
    while (s.step())
      ids.push_back(s.integer(0));
  }
  if (!ids.empty()) return ids;
  const auto values = parse_canonical(config);
  if (values.empty()) return ids;
  nlohmann::json pairs = nlohmann::json::array();
  for (const auto& v : values)
    pairs.push_back({v.name, v.label});
  Statement s(c,
              "SELECT c.id FROM configurations c JOIN kernels k ON k.id = c.kernel_id "
              "JOIN config_values v ON v.configuration_id = c.id "
              "WHERE k.family = ? AND (v.name, v.label) IN "
              "(SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)) "
              "GROUP BY c.id HAVING COUNT(*) = ? ORDER BY c.id");
  s.bind(1, kernel).bind(2, pairs.dump()).bind(3, static_cast<std::int64_t>(values.size()));
  while (s.step())
    ids.push_back(s.integer(0));
  return ids;
}

std::vector<StoredMeasurement> configuration_history(
    const Store& store, const std::vector<std::int64_t>& configurations,
    const std::optional<Problem>& problem, std::optional<std::int64_t> device) {
  Statement s(store.connection(),
              MeasurementReader::select(
                  fmt::format("WHERE m.configuration_id IN (SELECT value FROM json_each(?)) {} {} "
                              "ORDER BY m.created_at, m.id",
                              problem ? "AND p.family = ? AND p.dtype = ? AND p.shape = ?" : "",
                              device ? "AND m.device_id = ?" : "")));
  int i = 1;
  s.bind(i++, json_ids(configurations));
  if (problem) {
    s.bind(2, problem->kernel).bind(3, problem->dtype).bind(4, problem->canonical());
    i = 5;
  }
  if (device) s.bind(i++, *device);
  std::vector<StoredMeasurement> list;
  read_measurements(store.connection(), s,
                    [&](StoredMeasurement&& m) { list.push_back(std::move(m)); });
  return list;
}

std::vector<Comparison> compare_devices(const Store& store, std::string_view kernel,
                                        std::int64_t device_a, std::int64_t device_b) {
  // Configurations are matched by their values, whatever order the canonical texts list them
  // in (imports of one kernel from two formats can differ in parameter order).
  auto key_of = [](const std::string& canonical) {
    auto values = catalog::typed_values(canonical);
    if (values.empty()) return canonical;
    std::sort(values.begin(), values.end(),
              [](const ParamValue& a, const ParamValue& b) { return a.name < b.name; });
    std::string key;
    for (const auto& v : values)
      key += v.name + '=' + v.label + ',';
    return key;
  };
  struct Timed {
    std::string canonical;
    double ms = 0;
  };
  using Times = std::map<std::string, Timed>;  // configuration key -> best median
  using ByProblem = std::map<std::pair<std::string, std::string>, Times>;  // (shape, dtype)
  auto load = [&](std::int64_t device) {
    Statement s(store.connection(),
                "SELECT p.shape, p.dtype, c.canonical, MIN(m.median_ms) "
                "FROM measurements m JOIN configurations c ON c.id = m.configuration_id "
                "JOIN kernels k ON k.id = c.kernel_id JOIN problems p ON p.id = m.problem_id "
                "WHERE m.device_id = ? AND k.family = ? AND m.outcome = 'correct' "
                "AND m.median_ms IS NOT NULL GROUP BY m.problem_id, m.configuration_id");
    s.bind(1, device).bind(2, kernel);
    ByProblem times;
    while (s.step()) {
      auto& t = times[{s.text(0), s.text(1)}][key_of(s.text(2))];
      if (t.canonical.empty() || s.real(3) < t.ms) t = {s.text(2), s.real(3)};
    }
    return times;
  };
  const auto a = load(device_a), b = load(device_b);
  auto fastest = [](const Times& t) {
    return std::min_element(t.begin(), t.end(),
                            [](const auto& x, const auto& y) { return x.second.ms < y.second.ms; })
        ->second;
  };
  std::vector<Comparison> list;
  for (const auto& [key, a_times] : a) {
    auto it = b.find(key);
    if (it == b.end()) continue;
    Comparison row;
    row.problem = key.first;
    row.dtype = key.second;
    const auto best_a = fastest(a_times), best_b = fastest(it->second);
    row.a_config = best_a.canonical;
    row.a_ms = best_a.ms;
    row.b_config = best_b.canonical;
    row.b_ms = best_b.ms;
    double log_sum = 0;
    for (const auto& [config, timed] : a_times) {
      auto other = it->second.find(config);
      if (other == it->second.end() || timed.ms <= 0 || other->second.ms <= 0) continue;
      ++row.common_configs;
      log_sum += std::log(other->second.ms / timed.ms);
    }
    if (row.common_configs)
      row.common_ratio = std::exp(log_sum / static_cast<double>(row.common_configs));
    list.push_back(std::move(row));
  }
  return list;
}

std::vector<StoredProblem> problems(const Store& store, std::string_view kernel) {
  Statement s(store.connection(),
              "SELECT p.id, p.family, p.dtype, d.name, d.value FROM problems p "
              "LEFT JOIN problem_dims d ON d.problem_id = p.id WHERE p.family = ? "
              "ORDER BY p.id, d.position");
  s.bind(1, kernel);
  std::vector<StoredProblem> list;
  while (s.step()) {
    if (list.empty() || list.back().id != s.integer(0)) {
      list.push_back({s.integer(0), Problem{s.text(1), {}, s.text(2)}});
    }
    if (!s.is_null(3)) list.back().problem.dims.emplace_back(s.text(3), s.integer(4));
  }
  return list;
}

void for_each_measurement(const Store& store, const ExportFilter& filter,
                          const std::function<void(const StoredMeasurement&)>& visit) {
  std::string where = "WHERE 1";
  if (!filter.kernel.empty()) where += " AND k.family = ?";
  if (filter.device) where += " AND m.device_id = ?";
  if (filter.session) where += " AND m.session_id = ?";
  Statement s(store.connection(), MeasurementReader::select(where + " ORDER BY m.id"));
  int i = 1;
  if (!filter.kernel.empty()) s.bind(i++, filter.kernel);
  if (filter.device) s.bind(i++, *filter.device);
  if (filter.session) s.bind(i++, *filter.session);
  read_measurements(store.connection(), s, [&](StoredMeasurement&& m) { visit(m); });
}

std::vector<std::string> kernel_names(const Store& store) {
  Statement s(store.connection(), "SELECT DISTINCT family FROM kernels ORDER BY family");
  std::vector<std::string> list;
  while (s.step())
    list.push_back(s.text(0));
  return list;
}

DatabaseInfo database_info(const Store& store) {
  auto& c = store.connection();
  DatabaseInfo info;
  info.path = store.path();
  info.schema_version = store.schema_version();
  {
    Statement s(c, "PRAGMA journal_mode");
    if (s.step()) info.journal_mode = s.text(0);
  }
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(info.path, ec);
  info.bytes = ec ? 0 : bytes;
  for (const char* table :
       {"devices", "kernels", "problems", "configurations", "sessions", "measurements", "metrics",
        "cpu_baselines", "transfers", "crossovers"}) {
    Statement s(c, fmt::format("SELECT COUNT(*) FROM {}", table));
    s.step();
    info.rows.emplace_back(table, s.integer(0));
  }
  Statement s(c,
              "SELECT version, applied_at, tool_version, backup FROM schema_migrations "
              "ORDER BY version");
  while (s.step())
    info.migrations.push_back({static_cast<int>(s.integer(0)), s.text(1), s.text(2), s.text(3)});
  return info;
}

std::vector<std::string> check_database(const Store& store) {
  auto& c = store.connection();
  std::vector<std::string> problems;
  // Through the C API: a file too damaged to finish a check reports why as a problem. Returns
  // false when the check stopped.
  auto check = [&](const char* pragma, const char* name, auto&& row) {
    sqlite3_stmt* raw = nullptr;
    int status = sqlite3_prepare_v2(c.handle(), pragma, -1, &raw, nullptr);
    while (status == SQLITE_OK && (status = sqlite3_step(raw)) == SQLITE_ROW) {
      row(raw);
      status = SQLITE_OK;
    }
    if (status != SQLITE_DONE)
      problems.push_back(
          fmt::format("the {} stopped: {}", name, printable(sqlite3_errmsg(c.handle()))));
    sqlite3_finalize(raw);
    return status == SQLITE_DONE;
  };
  auto text = [](sqlite3_stmt* s, int column) {
    const auto* t = sqlite3_column_text(s, column);
    return t ? printable(reinterpret_cast<const char*>(t)) : std::string();
  };
  if (!check("PRAGMA integrity_check", "integrity check", [&](sqlite3_stmt* s) {
        if (const auto line = text(s, 0); line != "ok") problems.push_back(line);
      }))
    return problems;
  check("PRAGMA foreign_key_check", "foreign key check", [&](sqlite3_stmt* s) {
    problems.push_back(fmt::format("{} row {} refers to a missing row of {}", text(s, 0),
                                   sqlite3_column_int64(s, 1), text(s, 2)));
  });
  return problems;
}

}  // namespace ktune::db
