#include "cli/tune_resume.hpp"

#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.hpp"

namespace ktune::cli {

std::map<std::string, std::string> space_settings(const TuneOptions& o) {
  auto settings = o.space.settings();
  if (!o.shard.empty()) settings["shard"] = o.shard;
  return settings;
}

namespace {

// The first difference between a stored session's space settings and these, if any.
std::optional<std::string> settings_differ(const db::StoredSession& s, const TuneOptions& o) {
  auto space_only = [](const std::map<std::string, std::string>& all) {
    std::map<std::string, std::string> kept;
    for (const auto& [key, value] : all)
      if (key == "shard" || key.starts_with("set.") || key.starts_with("restrict."))
        kept.emplace(key, value);
    return kept;
  };
  const auto stored = space_only(s.settings);
  const auto given = space_settings(o);
  if (stored == given) return std::nullopt;
  auto describe = [](const std::map<std::string, std::string>& settings) {
    std::string text;
    for (const auto& [key, value] : settings)
      text +=
          fmt::format("{}--{} '{}'", text.empty() ? "" : " ", key.substr(0, key.find('.')), value);
    return text.empty() ? std::string("none") : text;
  };
  return fmt::format("that session searched with {}, not {}", describe(stored), describe(given));
}

bool same_target(const db::StoredSession& s, const Target& t) {
  return s.kernel == t.kernel && s.problem == t.problem.canonical() &&
         s.backend == t.device.backend && s.device_fingerprint == t.device.fingerprint();
}

}  // namespace

db::StoredSession session_to_resume(const db::Store& store, TuneOptions& o, const CommandLine& line,
                                    const Target& t) {
  const std::string& db_path = store.path();
  const bool strategy_given = line.given("strategy") || o.exhaustive;
  const bool seed_given = line.given("seed");
  if (o.resume != "latest") {
    std::int64_t id = 0;
    try {
      std::size_t used = 0;
      id = std::stoll(o.resume, &used);
      if (used != o.resume.size()) throw std::invalid_argument("trailing text");
    } catch (const std::exception&) {
      throw UsageError(fmt::format(
          "--resume {}: expected a session id (a number), or --resume alone for the latest",
          o.resume));
    }
    auto s = store.session(id);
    if (!s) throw UsageError(fmt::format("--resume {}: no such session in {}", id, db_path));
    if (!same_target(*s, t))
      throw UsageError(
          fmt::format("--resume {}: that session tuned {} {} on {} ({}), not {} {} on {} ({})", id,
                      s->kernel, s->problem, s->device_name, s->backend, t.kernel,
                      t.problem.canonical(), t.device.name, t.device.backend));
    if (strategy_given && s->strategy != o.strategy)
      throw UsageError(fmt::format("--resume {}: that session used --strategy {}, not {}", id,
                                   s->strategy, o.strategy));
    if (seed_given && s->seed != o.seed)
      throw UsageError(
          fmt::format("--resume {}: that session used --seed {}, not {}", id, s->seed, o.seed));
    if (auto why = settings_differ(*s, o))
      throw UsageError(
          fmt::format("--resume {}: {} (repeat the session's --set, --restrict and "
                      "--shard)",
                      id, *why));
    o.strategy = s->strategy;
    o.seed = s->seed;
    return *s;
  }
  std::optional<db::StoredSession> latest, latest_unfinished;
  for (const auto& s : store.sessions()) {
    if (!same_target(s, t) || s.strategy != o.strategy || s.seed != o.seed || settings_differ(s, o))
      continue;
    latest = s;
    if (s.status != SessionStatus::completed) latest_unfinished = s;
  }
  if (latest_unfinished) return *latest_unfinished;
  if (latest) return *latest;
  throw UsageError(fmt::format(
      "--resume: no session of {} {} on {} with strategy {}, seed {} and these --set, --restrict "
      "and --shard in {} (give its id: --resume ID)",
      t.kernel, t.problem.canonical(), t.device.name, o.strategy, o.seed, db_path));
}

std::vector<std::pair<Config, Evaluation>> stored_evaluations(const db::Store& store,
                                                              const db::StoredSession& session,
                                                              Target& t) {
  std::vector<std::pair<Config, Evaluation>> stored;
  for (auto& e : store.evaluations(session.id)) {
    Config config;
    try {
      config = t.space.parse_config(e.config);
    } catch (const UsageError&) {
      throw UsageError(fmt::format(
          "--resume {}: its configuration '{}' is not one of this space (repeat the session's "
          "--set, --restrict and --shard)",
          session.id, e.config));
    }
    if (auto why = t.space.violation(config))
      throw UsageError(fmt::format(
          "--resume {}: its configuration '{}' {} (repeat the session's --set, --restrict and "
          "--shard)",
          session.id, e.config, *why));
    Evaluation evaluation = std::move(e.evaluation);
    if (t.replayer) {
      evaluation = t.replayer->lookup(config);
    } else {
      evaluation.cost_ms = evaluation.compile_ms;
      for (double ms : evaluation.samples_ms)
        evaluation.cost_ms += ms;
    }
    stored.emplace_back(std::move(config), std::move(evaluation));
  }
  return stored;
}

}  // namespace ktune::cli
