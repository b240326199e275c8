// Importing recorded searches (Kernel Tuner cache files, T4 files) as sessions of measurements.
#include <cstring>

#include <fmt/format.h>

#include "core/error.hpp"
#include "db/ids.hpp"
#include "db/sqlite.hpp"
#include "db/store.hpp"
#include "db/store_rows.hpp"

namespace ktune::db {
namespace {

// 64-bit FNV-1a over everything that makes two imports the same data.
class ContentHash {
 public:
  void add(std::string_view text) {
    for (unsigned char c : text) {
      h_ ^= c;
      h_ *= 0x100000001b3ULL;
    }
    add_byte(0xff);  // a separator, so "ab","c" and "a","bc" differ
  }
  void add(double value) {
    unsigned char bytes[sizeof value];
    std::memcpy(bytes, &value, sizeof value);
    for (unsigned char c : bytes)
      add_byte(c);
  }
  std::string hex() const { return fmt::format("{:016x}", h_); }

 private:
  void add_byte(unsigned char c) {
    h_ ^= c;
    h_ *= 0x100000001b3ULL;
  }
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

// "2023-12-22 09:53:48.691683+00:00" -> "2023-12-22T09:53:48Z"; other offsets are kept as given.
std::string normalise_time(const std::string& text) {
  if (text.size() < 19 || (text[10] != ' ' && text[10] != 'T')) return text;
  const std::string rest = text.substr(19);
  const bool utc = rest.empty() || rest.back() == 'Z' || rest.ends_with("+00:00");
  if (!utc) return text;
  return text.substr(0, 10) + 'T' + text.substr(11, 8) + 'Z';
}

Outcome outcome_of(const RecordedEntry& e) {
  if (e.failure.empty()) return Outcome::correct;
  if (e.failure == "compile") return Outcome::compile_error;
  if (e.failure == "runtime") return Outcome::launch_error;
  return Outcome::invalid;
}

}  // namespace

ImportSummary Store::import_dataset(const RecordedDataset& d, const ImportOptions& o) {
  ImportSummary summary;
  summary.device = o.device_name.empty() ? d.device_name : o.device_name;
  summary.kernel = o.kernel.empty() ? d.kernel_name : o.kernel;
  if (summary.device.empty())
    throw UsageError(fmt::format(
        "dataset '{}' does not say which device recorded it, and no device name was given",
        d.source));
  if (summary.kernel.empty())
    throw UsageError(fmt::format(
        "dataset '{}' does not name its kernel, and no kernel name was given", d.source));

  SessionRecord r;
  r.kernel = summary.kernel;
  r.problem.kernel = summary.kernel;
  r.problem.dtype = o.dtype;
  if (!o.dims.empty()) {
    r.problem.dims = o.dims;
  } else {
    // Kernel Tuner's problem_size is the grid of the problem: x, y, z.
    static const char* const kNames[] = {"x", "y", "z"};
    for (std::size_t i = 0; i < d.problem_size.size(); ++i)
      r.problem.dims.emplace_back(i < 3 ? kNames[i] : fmt::format("d{}", i), d.problem_size[i]);
  }
  summary.problem = r.problem.canonical();
  r.device.backend = o.backend;
  r.device.name = summary.device;
  r.device.architecture = o.architecture;
  r.strategy = "imported";
  r.tool_version = o.tool_version;
  r.space_size = d.entries.size();
  r.settings = {{"format", d.format}, {"objective", d.objective}, {"file", d.source}};
  r.host = host_name();

  // Canonical texts and typed values of every entry, and the identity of the whole import.
  ContentHash hash;
  for (const auto& text : {d.format, summary.device, summary.kernel, summary.problem, o.dtype,
                           o.backend, o.architecture})
    hash.add(text);
  std::vector<std::string> configs;
  std::vector<RecordExtras> extras;
  configs.reserve(d.entries.size());
  extras.reserve(d.entries.size());
  std::string first, last;
  for (const auto& e : d.entries) {
    std::string canonical;
    RecordExtras x;
    for (std::size_t i = 0; i < d.params.size() && i < e.values.size(); ++i) {
      const auto& p = d.params[i];
      const auto v = e.values[i];
      ParamValue value{p.name, ParamValue::Kind::integer, v, std::to_string(v)};
      if (!p.labels.empty()) {
        value.kind = ParamValue::Kind::choice;
        value.label = v >= 0 && static_cast<std::size_t>(v) < p.labels.size()
                          ? p.labels[static_cast<std::size_t>(v)]
                          : std::to_string(v);
      }
      if (!canonical.empty()) canonical += ',';
      canonical += p.name + '=' + value.label;
      x.params.push_back(std::move(value));
    }
    hash.add(canonical);
    hash.add(e.time_ms.value_or(-1));
    hash.add(e.failure_detail);
    for (double t : e.times_ms)
      hash.add(t);
    hash.add(e.timestamp);
    const std::string when = normalise_time(e.timestamp);
    if (!when.empty() && (first.empty() || when < first)) first = when;
    if (!when.empty() && (last.empty() || when > last)) last = when;
    configs.push_back(std::move(canonical));
    extras.push_back(std::move(x));
  }
  const std::string uid = "import-" + hash.hex();
  const std::string now = now_utc();

  Transaction tx(*connection_);
  {
    auto existing = statements_->get("SELECT id FROM sessions WHERE uid = ?");
    existing->bind(1, uid);
    if (existing->step()) {
      summary.session = existing->integer(0);
      summary.already_imported = true;
      return summary;  // the transaction rolls back: nothing was written
    }
  }
  summary.session = insert_session({r, uid, Origin::import, d.source, first.empty() ? now : first,
                                    last.empty() ? now : last, SessionStatus::completed});
  for (std::size_t i = 0; i < d.entries.size(); ++i) {
    const auto& entry = d.entries[i];
    Evaluation e;
    e.outcome = outcome_of(entry);
    e.message = entry.failure_detail;
    if (e.outcome == Outcome::correct) {
      e.samples_ms = entry.times_ms;
      if (e.samples_ms.empty() && entry.time_ms) e.samples_ms = {*entry.time_ms};
      e.time = summarize(e.samples_ms);
      // The file's own objective (Kernel Tuner: the mean of the runs), kept as it was.
      if (entry.time_ms)
        e.metrics.push_back(
            {"recorded_" + d.objective, *entry.time_ms, "ms", MetricSource::measured});
    }
    e.compile_ms = entry.compile_ms;
    e.cost_ms = entry.cost_ms();
    const std::string when = normalise_time(entry.timestamp);
    insert_measurement({summary.session, configs[i], e, extras[i], when.empty() ? now : when,
                        std::nullopt, static_cast<std::int64_t>(i + 1)});
    ++summary.measurements;
    if (e.outcome == Outcome::correct)
      ++summary.correct;
    else
      ++summary.failures[std::string(to_string(e.outcome))];
  }
  tx.commit();
  return summary;
}

}  // namespace ktune::db
