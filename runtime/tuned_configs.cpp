#include "runtime/tuned_configs.hpp"

#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/statistics.hpp"
#include "db/lookup.hpp"
#include "db/queries.hpp"
#include "db/store.hpp"
#include "kernels/family.hpp"
#include "runtime/family_rules.hpp"
#include "runtime/tuned_table.hpp"

namespace ktune::runtime {

std::string_view to_string(Match match) {
  switch (match) {
    case Match::exact:
      return "exact";
    case Match::nearest_shape:
      return "nearest_shape";
    case Match::same_architecture:
      return "same_architecture";
    case Match::default_config:
      return "default";
  }
  return "default";
}

const std::string& TunedConfig::value(std::string_view name) const {
  for (const auto& [n, v] : values)
    if (n == name) return v;
  throw std::out_of_range(fmt::format("{}: no parameter {} in {}", kernel, name, config));
}

struct TunedConfigs::State {
  db::Store store;
  std::string source;
  // Exports are loaded into an in-memory database: its session ids map back to the
  // measurement ids of the database the export was made from.
  std::map<std::int64_t, std::int64_t> original_measurement;
};

TunedConfigs::TunedConfigs(std::unique_ptr<State> state) : state_(std::move(state)) {}
TunedConfigs::TunedConfigs(TunedConfigs&&) noexcept = default;
TunedConfigs& TunedConfigs::operator=(TunedConfigs&&) noexcept = default;
TunedConfigs::~TunedConfigs() = default;

TunedConfigs TunedConfigs::from_database(const std::filesystem::path& path) {
  auto state = std::make_unique<State>(
      State{db::Store::open_existing(path, db::Store::Access::read_only), path.string(), {}});
  return TunedConfigs(std::move(state));
}

TunedConfigs TunedConfigs::from_export(const std::filesystem::path& path) {
  const TunedTable table = read_tuned_table(path);
  auto state = std::make_unique<State>(State{db::Store::open_in_memory(), path.string(), {}});
  for (const auto& entry : table.entries) {
    db::SessionRecord session;
    session.kernel = table.kernel;
    session.problem = entry.problem;
    session.device = entry.device;
    session.strategy = "export";
    const auto id = state->store.begin_session(session);
    Evaluation evaluation;
    evaluation.outcome = Outcome::correct;
    evaluation.samples_ms = {entry.median_ms};
    evaluation.time = summarize(evaluation.samples_ms);
    state->store.record(id, entry.config, evaluation);
    state->store.end_session(id, SessionStatus::completed);
    state->original_measurement[id] = entry.measurement;
  }
  return TunedConfigs(std::move(state));
}

TunedConfig TunedConfigs::lookup(std::string_view kernel, const DeviceIdentity& device,
                                 std::string_view shape) const {
  const auto& family = kernels::find_family(kernel);
  db::LookupRequest request;
  request.kernel = family.name();
  request.problem = family.parse_shape(shape);

  // The stored device with this backend and name; the same driver and runtime first.
  std::optional<db::StoredDevice> stored;
  for (const auto& d : db::devices(state_->store, false)) {
    if (d.info.backend != device.backend || d.info.name != device.name) continue;
    const bool same_software =
        (device.driver_version.empty() || d.info.driver_version == device.driver_version) &&
        (device.runtime_version.empty() || d.info.runtime_version == device.runtime_version);
    if (!stored || same_software) stored = d;
    if (same_software) break;
  }
  if (stored) {
    request.device = stored->info;
    request.device_fingerprint = stored->fingerprint;
    request.architecture =
        device.architecture.empty() ? stored->info.architecture : device.architecture;
  } else {
    DeviceInfo info;
    info.backend = device.backend;
    info.name = device.name;
    info.architecture = device.architecture;
    info.driver_version = device.driver_version;
    info.runtime_version = device.runtime_version;
    request.device = info;
    request.architecture = device.architecture;
  }
  const auto r = db::Lookup(state_->store, family_rules(family.name())).best(request);

  TunedConfig answer;
  answer.kernel = family.name();
  answer.config = r.config;
  answer.explanation = r.explanation;
  answer.source = state_->source;
  answer.distance = r.distance;
  switch (r.rule) {
    case db::LookupRule::exact:
      answer.match = Match::exact;
      break;
    case db::LookupRule::nearest_shape:
      answer.match = Match::nearest_shape;
      break;
    case db::LookupRule::same_architecture:
      answer.match = Match::same_architecture;
      break;
    case db::LookupRule::default_config:
      answer.match = Match::default_config;
      break;
    case db::LookupRule::none:
      throw Error(fmt::format("{}: no configuration known for {} ({})", family.name(),
                              request.problem.canonical(), r.explanation));
  }
  answer.values = split_config(answer.config);
  if (r.source) {
    answer.tuned_shape = r.source->problem.canonical();
    answer.tuned_device = r.source->device;
    answer.tuned_median_ms = r.source->median_ms;
    answer.measurement = r.source->measurement;
    if (auto it = state_->original_measurement.find(r.source->session);
        it != state_->original_measurement.end())
      answer.measurement = it->second;
  }
  return answer;
}

}  // namespace ktune::runtime
