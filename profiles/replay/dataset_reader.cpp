#include "profiles/replay/dataset_reader.hpp"

#include <zlib.h>

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/json_input.hpp"

namespace ktune::profiles::replay {
namespace {

using json_input::Document;
using json_input::Field;
using json_input::Json;

// What ktune reads: files (compressed or not) and JSON text up to 1 GiB (the largest recorded
// search we know is 16 MB of JSON), times up to 1e9 ms (11.6 days), sizes up to 2^53.
constexpr std::uintmax_t kMaxBytes = std::uintmax_t{1} << 30;
constexpr double kMaxMs = 1e9;
constexpr std::int64_t kMaxProblemSize = std::int64_t{1} << 53;
constexpr std::size_t kMaxName = 256;

const std::string kTimeAccepted =
    fmt::format("a time in milliseconds greater than 0 and at most {:.0f}", kMaxMs);
const std::string kCostAccepted =
    fmt::format("a time in milliseconds, 0 or more and at most {:.0f}", kMaxMs);
const std::string kSizeAccepted =
    fmt::format("a size: a whole number from 1 to {}", kMaxProblemSize);

// gzip (one or more members, as gzip writes them) or plain text.
std::string decompressed(const Document& document, std::string bytes) {
  if (bytes.size() < 2 || static_cast<unsigned char>(bytes[0]) != 0x1f ||
      static_cast<unsigned char>(bytes[1]) != 0x8b)
    return bytes;
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw Error("zlib: cannot start decompressing");
  const std::unique_ptr<z_stream, decltype(&inflateEnd)> end(&z, &inflateEnd);
  z.next_in = reinterpret_cast<Bytef*>(bytes.data());
  z.avail_in = static_cast<uInt>(bytes.size());
  std::string text;
  for (;;) {
    char buffer[1 << 16];
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    const int status = inflate(&z, Z_NO_FLUSH);
    text.append(buffer, sizeof buffer - z.avail_out);
    if (text.size() > kMaxBytes)
      document.fail(
          fmt::format("decompresses to more than {} MiB, more than ktune reads", kMaxBytes >> 20));
    if (status == Z_OK) continue;
    if (status == Z_STREAM_END) {
      const bool another = z.avail_in >= 2 && z.next_in[0] == 0x1f && z.next_in[1] == 0x8b;
      if (!another) return text;
      inflateReset(&z);
      continue;
    }
    if (status == Z_BUF_ERROR && z.avail_in == 0)
      document.fail("is a truncated gzip file (it ends inside the compressed data)");
    if (status == Z_MEM_ERROR) throw Error("zlib: out of memory while decompressing");
    document.fail(fmt::format("is not a valid gzip file ({})", z.msg ? z.msg : "corrupt data"));
  }
}

// A name or label as ktune stores it and writes it into canonical texts ("NAME=VALUE,...").
std::string stored_text(const Field& field, bool in_canonical) {
  std::string text = field.text();
  if (text.size() > kMaxName)
    field.fail(fmt::format("{} is longer than {} characters", field.shown(), kMaxName));
  const bool control = std::any_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (control) field.fail(fmt::format("{} contains control characters", field.shown()));
  if (in_canonical && (text.find(',') != std::string::npos || text.find('=') != std::string::npos))
    field.fail(fmt::format("{} contains ',' or '=', which configurations use as separators",
                           field.shown()));
  return text;
}

std::string stored_text_or(const Field& object, std::string_view key, std::string otherwise) {
  const auto member = object.find(key);
  if (!member || member->json().is_null()) return otherwise;
  return stored_text(*member, false);
}

// A cost of evaluating an entry; absent or null is 0.
double cost(const Field& object, std::string_view key) {
  const auto member = object.find(key);
  if (!member || member->json().is_null()) return 0;
  return member->number(0, kMaxMs, false, kCostAccepted);
}

// The recorded runs; absent or null is none.
std::vector<double> runs(const std::optional<Field>& list) {
  std::vector<double> times;
  if (!list || list->json().is_null()) return times;
  for (const auto& t : list->elements())
    times.push_back(t.number(0, kMaxMs, true, kTimeAccepted));
  return times;
}

std::string failure_kind(const std::string& word) {
  if (word == "CompilationFailedConfig" || word == "compile") return "compile";
  if (word == "RuntimeFailedConfig" || word == "runtime") return "runtime";
  return "invalid";
}

// Collects the values seen for each parameter, then maps each value to an int64: integers as
// themselves when every value of the parameter is one, else the index of the value's text among
// the sorted labels.
class ValueTable {
 public:
  explicit ValueTable(std::size_t params) : ints_(params), labels_(params), text_(params) {}

  void add(std::size_t param, const Field& value) {
    const Json& v = value.json();
    if (!v.is_number() && !v.is_string() && !v.is_boolean())
      value.fail(
          fmt::format("{} is not a parameter value (a number, text or true/false)", value.shown()));
    if (const auto i = json_input::exact_integer(v))
      ints_[param].insert(*i);
    else
      text_[param] = true;
    labels_[param].insert(label(value));
  }

  std::vector<RecordedParam> params(const std::vector<std::string>& names) {
    std::vector<RecordedParam> params;
    for (std::size_t i = 0; i < names.size(); ++i) {
      RecordedParam p{names[i], {}, {}};
      if (!text_[i]) {
        p.values.assign(ints_[i].begin(), ints_[i].end());
      } else {
        p.labels.assign(labels_[i].begin(), labels_[i].end());
        for (std::size_t k = 0; k < p.labels.size(); ++k)
          p.values.push_back(static_cast<std::int64_t>(k));
      }
      params.push_back(std::move(p));
    }
    params_ = params;
    return params;
  }

  std::int64_t encode(std::size_t param, const Field& value) const {
    const auto& p = params_[param];
    if (p.labels.empty()) return *json_input::exact_integer(value.json());
    const auto it = std::lower_bound(p.labels.begin(), p.labels.end(), label(value));
    return static_cast<std::int64_t>(it - p.labels.begin());
  }

 private:
  static std::string label(const Field& value) {
    return value.json().is_string() ? stored_text(value, true) : value.json().dump();
  }

  std::vector<std::set<std::int64_t>> ints_;
  std::vector<std::set<std::string>> labels_;
  std::vector<bool> text_;
  std::vector<RecordedParam> params_;
};

// Parameter names, each once, usable in canonical texts.
void check_names(const std::vector<std::pair<std::string, Field>>& names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& [name, field] = names[i];
    if (name.empty()) field.fail("a parameter needs a name");
    for (std::size_t j = 0; j < i; ++j)
      if (names[j].first == name)
        field.fail(fmt::format("parameter {} is named twice", field.shown()));
  }
}

RecordedDataset read_kernel_tuner(const Field& doc, const std::string& source) {
  RecordedDataset d;
  d.source = source;
  d.format = "kernel_tuner";
  d.device_name = stored_text_or(doc, "device_name", "");
  d.kernel_name = stored_text_or(doc, "kernel_name", "");
  if (const auto size = doc.find("problem_size"); size && !size->json().is_null()) {
    if (size->json().is_array()) {
      for (const auto& x : size->elements())
        d.problem_size.push_back(x.integer(1, kMaxProblemSize, kSizeAccepted));
    } else {
      d.problem_size.push_back(size->integer(1, kMaxProblemSize, kSizeAccepted));
    }
  }
  d.objective = stored_text_or(doc, "objective", "time");

  std::vector<std::pair<std::string, Field>> named;
  for (const auto& key : doc.at("tune_params_keys").elements())
    named.emplace_back(stored_text(key, true), key);
  check_names(named);
  std::vector<std::string> names;
  for (const auto& [name, field] : named)
    names.push_back(name);

  const auto cache = doc.at("cache").members();
  ValueTable table(names.size());
  for (const auto& [key, entry] : cache)
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto value = entry.find(names[i]);
      if (!value) entry.fail(fmt::format("lacks parameter {}", names[i]));
      table.add(i, *value);
    }
  d.params = table.params(names);

  for (const auto& [key, entry] : cache) {
    RecordedEntry e;
    for (std::size_t i = 0; i < names.size(); ++i)
      e.values.push_back(table.encode(i, entry.at(names[i])));
    auto time = entry.find(d.objective);
    if (!time) time = entry.find("time");
    if (time && time->json().is_number()) {
      e.time_ms = time->number(0, kMaxMs, true, kTimeAccepted);
    } else if (time && time->json().is_string()) {
      e.failure_detail = stored_text(*time, false);
      e.failure = failure_kind(e.failure_detail);
    } else if (!time || time->json().is_null()) {
      e.failure_detail = "missing";
      e.failure = failure_kind(e.failure_detail);
    } else {
      time->fail(
          fmt::format("{} is not {} nor the name of a failure", time->shown(), kTimeAccepted));
    }
    e.times_ms = runs(entry.find("times"));
    e.compile_ms = cost(entry, "compile_time");
    e.benchmark_ms = cost(entry, "benchmark_time");
    e.verification_ms = cost(entry, "verification_time");
    e.framework_ms = cost(entry, "framework_time");
    e.timestamp = stored_text_or(entry, "timestamp", "");
    d.entries.push_back(std::move(e));
  }
  return d;
}

RecordedDataset read_t4(const Field& doc, const std::string& source) {
  RecordedDataset d;
  d.source = source;
  d.format = "t4";
  if (const auto meta = doc.find("metadata"); meta && !meta->json().is_null()) {
    d.device_name = stored_text_or(*meta, "device", stored_text_or(*meta, "device_name", ""));
    d.kernel_name = stored_text_or(*meta, "kernel", stored_text_or(*meta, "kernel_name", ""));
  }
  const auto results = doc.at("results").elements();
  std::vector<std::pair<std::string, Field>> named;
  for (const auto& r : results)
    for (const auto& member : r.at("configuration").members())
      if (std::none_of(named.begin(), named.end(),
                       [&](const auto& n) { return n.first == member.first; }))
        named.push_back(member);
  std::vector<std::string> names;
  for (const auto& [name, field] : named) {
    if (name.empty()) field.fail("a parameter needs a name");
    if (name.size() > kMaxName || name.find_first_of(",=") != std::string::npos ||
        std::any_of(name.begin(), name.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
      field.fail(
          "is not a parameter name ktune can store (at most 256 characters, without ',', "
          "'=' or control characters)");
    names.push_back(name);
  }

  ValueTable table(names.size());
  for (const auto& r : results) {
    const auto config = r.at("configuration");
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto value = config.find(names[i]);
      if (!value) config.fail(fmt::format("lacks parameter {}", names[i]));
      table.add(i, *value);
    }
  }
  d.params = table.params(names);

  for (const auto& r : results) {
    RecordedEntry e;
    const auto config = r.at("configuration");
    for (std::size_t i = 0; i < names.size(); ++i)
      e.values.push_back(table.encode(i, config.at(names[i])));
    const std::string validity = stored_text_or(r, "invalidity", "correct");
    if (const auto times = r.find("times"); times && !times->json().is_null()) {
      e.times_ms = runs(times->find("runtimes"));
      e.compile_ms = cost(*times, "compilation");
      e.framework_ms = cost(*times, "framework");
      e.verification_ms = cost(*times, "validation");
    }
    // T4 keeps no benchmark time: the runs themselves are what benchmarking cost.
    for (double t : e.times_ms)
      e.benchmark_ms += t;
    e.timestamp = stored_text_or(r, "timestamp", "");
    if (validity == "correct") {
      if (const auto measurements = r.find("measurements");
          measurements && !measurements->json().is_null())
        for (const auto& m : measurements->elements()) {
          if (stored_text_or(m, "name", "") != d.objective) continue;
          if (const auto value = m.find("value"); value && value->json().is_number())
            e.time_ms = value->number(0, kMaxMs, true, kTimeAccepted);
        }
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

RecordedDataset parse_dataset(std::string_view bytes, const std::string& source) {
  const Document document{"dataset", source};
  const std::string text = decompressed(document, std::string(bytes));
  const Json json = json_input::parse(document, text);
  const Field doc(document, json);
  if (json.is_object() && json.contains("cache") && json.contains("tune_params_keys"))
    return read_kernel_tuner(doc, source);
  if (json.is_object() && json.contains("results") && json.contains("schema_version"))
    return read_t4(doc, source);
  document.fail(
      "neither a Kernel Tuner cache file (with 'cache' and 'tune_params_keys') nor a T4 file "
      "(with 'results' and 'schema_version')");
}

RecordedDataset read_dataset(const std::filesystem::path& path) {
  const Document document{"dataset", path.string()};
  return parse_dataset(json_input::read_file(document, path, kMaxBytes), path.string());
}

}  // namespace ktune::profiles::replay
