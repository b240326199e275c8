#include "profiles/replay/dataset_reader.hpp"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace ktune::profiles::replay {
namespace {

// Ordered: a T4 configuration's parameters keep the order the file gives them (the order a user
// reads and the canonical text keeps), not alphabetical order.
using json = nlohmann::ordered_json;

// The whole file; gzread reads gzip and plain files alike.
std::string read_text(const std::filesystem::path& path) {
  if (!std::filesystem::is_regular_file(path))
    throw UsageError(fmt::format("dataset '{}': no such file", path.string()));
  std::unique_ptr<gzFile_s, decltype(&gzclose)> file(gzopen(path.c_str(), "rb"), &gzclose);
  if (!file) throw UsageError(fmt::format("dataset '{}': cannot be opened", path.string()));
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const int n = gzread(file.get(), buffer, sizeof buffer);
    if (n < 0) {
      int code = 0;
      throw UsageError(fmt::format("dataset '{}': cannot be decompressed ({})", path.string(),
                                   gzerror(file.get(), &code)));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

// Collects the values seen for each parameter, then maps each value to an int64 (integers as
// themselves, anything else to the index of its text among the sorted labels).
class ValueTable {
 public:
  explicit ValueTable(std::vector<std::string> names)
      : names_(std::move(names)), seen_(names_.size()) {}

  void add(std::size_t param, const json& value) { seen_[param].insert(value.dump()); }

  std::vector<RecordedParam> params() {
    std::vector<RecordedParam> params;
    for (std::size_t i = 0; i < names_.size(); ++i) {
      RecordedParam p{names_[i], {}, {}};
      bool integers = true;
      std::vector<std::int64_t> ints;
      for (const auto& text : seen_[i]) {
        const json v = json::parse(text);
        if (v.is_number_integer())
          ints.push_back(v.get<std::int64_t>());
        else if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>())
          ints.push_back(static_cast<std::int64_t>(v.get<double>()));
        else
          integers = false;
      }
      if (integers) {
        std::sort(ints.begin(), ints.end());
        ints.erase(std::unique(ints.begin(), ints.end()), ints.end());
        p.values = ints;
      } else {
        for (const auto& text : seen_[i]) {
          const json v = json::parse(text);
          p.labels.push_back(v.is_string() ? v.get<std::string>() : text);
        }
        std::sort(p.labels.begin(), p.labels.end());
        for (std::size_t k = 0; k < p.labels.size(); ++k)
          p.values.push_back(static_cast<std::int64_t>(k));
      }
      params.push_back(std::move(p));
    }
    params_ = params;
    return params;
  }

  std::int64_t encode(std::size_t param, const json& value) const {
    const auto& p = params_[param];
    if (p.labels.empty())
      return value.is_number_integer() ? value.get<std::int64_t>()
                                       : static_cast<std::int64_t>(value.get<double>());
    const std::string label = value.is_string() ? value.get<std::string>() : value.dump();
    auto it = std::lower_bound(p.labels.begin(), p.labels.end(), label);
    return static_cast<std::int64_t>(it - p.labels.begin());
  }

 private:
  std::vector<std::string> names_;
  std::vector<std::set<std::string>> seen_;
  std::vector<RecordedParam> params_;
};

double number_or_zero(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : 0.0;
}

std::vector<double> numbers(const json& value) {
  std::vector<double> list;
  if (value.is_array())
    for (const auto& x : value)
      if (x.is_number()) list.push_back(x.get<double>());
  return list;
}

std::string failure_kind(const std::string& word) {
  if (word == "CompilationFailedConfig" || word == "compile") return "compile";
  if (word == "RuntimeFailedConfig" || word == "runtime") return "runtime";
  return "invalid";
}

RecordedDataset read_kernel_tuner(const json& doc, const std::string& source) {
  RecordedDataset d;
  d.source = source;
  d.format = "kernel_tuner";
  d.device_name = doc.value("device_name", "");
  d.kernel_name = doc.value("kernel_name", "");
  if (doc.contains("problem_size") && doc["problem_size"].is_array())
    for (const auto& x : doc["problem_size"])
      if (x.is_number()) d.problem_size.push_back(x.get<std::int64_t>());
  if (doc.contains("objective") && doc["objective"].is_string()) d.objective = doc["objective"];
  std::vector<std::string> names = doc.at("tune_params_keys").get<std::vector<std::string>>();
  const auto& cache = doc.at("cache");
  ValueTable table(names);
  for (const auto& [key, entry] : cache.items()) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (!entry.contains(names[i]))
        throw UsageError(
            fmt::format("dataset '{}': entry '{}' lacks parameter {}", source, key, names[i]));
      table.add(i, entry[names[i]]);
    }
  }
  d.params = table.params();
  for (const auto& [key, entry] : cache.items()) {
    RecordedEntry e;
    for (std::size_t i = 0; i < names.size(); ++i)
      e.values.push_back(table.encode(i, entry[names[i]]));
    const json& time =
        entry.contains(d.objective) ? entry[d.objective] : entry.value("time", json());
    if (time.is_number()) {
      e.time_ms = time.get<double>();
    } else {
      e.failure_detail = time.is_string() ? time.get<std::string>() : "missing";
      e.failure = failure_kind(e.failure_detail);
    }
    e.times_ms = numbers(entry.value("times", json()));
    e.compile_ms = number_or_zero(entry, "compile_time");
    e.benchmark_ms = number_or_zero(entry, "benchmark_time");
    e.verification_ms = number_or_zero(entry, "verification_time");
    e.framework_ms = number_or_zero(entry, "framework_time");
    e.timestamp = entry.value("timestamp", "");
    d.entries.push_back(std::move(e));
  }
  return d;
}

RecordedDataset read_t4(const json& doc, const std::string& source) {
  RecordedDataset d;
  d.source = source;
  d.format = "t4";
  const auto& meta = doc.value("metadata", json::object());
  d.device_name = meta.value("device", meta.value("device_name", ""));
  d.kernel_name = meta.value("kernel", meta.value("kernel_name", ""));
  const auto& results = doc.at("results");
  std::vector<std::string> names;
  for (const auto& r : results)
    for (const auto& [name, value] : r.at("configuration").items())
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  ValueTable table(names);
  for (const auto& r : results) {
    const auto& config = r.at("configuration");
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (!config.contains(names[i]))
        throw UsageError(
            fmt::format("dataset '{}': a result lacks parameter {}", source, names[i]));
      table.add(i, config[names[i]]);
    }
  }
  d.params = table.params();
  for (const auto& r : results) {
    RecordedEntry e;
    for (std::size_t i = 0; i < names.size(); ++i)
      e.values.push_back(table.encode(i, r["configuration"][names[i]]));
    const std::string validity = r.value("invalidity", "correct");
    const auto& times = r.value("times", json::object());
    e.times_ms = numbers(times.value("runtimes", json()));
    e.compile_ms = number_or_zero(times, "compilation");
    e.framework_ms = number_or_zero(times, "framework");
    e.verification_ms = number_or_zero(times, "validation");
    // T4 keeps no benchmark time: the runs themselves are what benchmarking cost.
    for (double t : e.times_ms)
      e.benchmark_ms += t;
    e.timestamp = r.value("timestamp", "");
    if (validity == "correct") {
      for (const auto& m : r.value("measurements", json::array()))
        if (m.value("name", "") == d.objective && m["value"].is_number())
          e.time_ms = m["value"].get<double>();
      if (!e.time_ms && !e.times_ms.empty()) {
        double sum = 0;
        for (double t : e.times_ms)
          sum += t;
        e.time_ms = sum / static_cast<double>(e.times_ms.size());
      }
      if (!e.time_ms) {
        e.failure = "invalid";
        e.failure_detail = "no time recorded";
      }
    } else {
      e.failure = failure_kind(validity);
      e.failure_detail = validity;
    }
    d.entries.push_back(std::move(e));
  }
  return d;
}

}  // namespace

RecordedDataset read_dataset(const std::filesystem::path& path) {
  const std::string source = path.string();
  const std::string text = read_text(path);
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw UsageError(fmt::format("dataset '{}': not JSON ({})", source, e.what()));
  }
  try {
    if (doc.is_object() && doc.contains("cache") && doc.contains("tune_params_keys"))
      return read_kernel_tuner(doc, source);
    if (doc.is_object() && doc.contains("results") && doc.contains("schema_version"))
      return read_t4(doc, source);
  } catch (const json::exception& e) {
    throw UsageError(fmt::format("dataset '{}': malformed ({})", source, e.what()));
  }
  throw UsageError(
      fmt::format("dataset '{}': neither a Kernel Tuner cache file (with 'cache' and "
                  "'tune_params_keys') nor a T4 file (with 'results' and 'schema_version')",
                  source));
}

}  // namespace ktune::profiles::replay
