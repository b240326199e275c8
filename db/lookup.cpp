#include "db/lookup.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "db/catalog.hpp"
#include "db/sqlite.hpp"

namespace ktune::db {

std::string_view to_string(LookupRule rule) {
  switch (rule) {
    case LookupRule::exact:
      return "exact";
    case LookupRule::nearest_shape:
      return "nearest_shape";
    case LookupRule::same_architecture:
      return "same_architecture";
    case LookupRule::default_config:
      return "default_config";
    case LookupRule::none:
      return "none";
  }
  return "none";
}

double shape_distance(const Problem& a, const Problem& b) {
  constexpr double kFar = std::numeric_limits<double>::infinity();
  if (a.dims.size() != b.dims.size()) return kFar;
  double distance = 0;
  for (const auto& [name, size] : a.dims) {
    const auto other = b.find(name);
    if (!other || size <= 0 || *other <= 0) return kFar;
    distance += std::abs(std::log(static_cast<double>(size) / static_cast<double>(*other)));
  }
  return distance;
}

struct Lookup::Target {
  std::optional<std::int64_t> device_id;  // the requested device's row, when it is stored
  std::optional<DeviceInfo> device;       // the requested device, for re-checking
  std::string architecture;
  std::string description;  // "NVIDIA H100 (sm_90)", "architecture sm_90", "any device"
};

namespace {

constexpr std::size_t kMaxRejections = 10;

struct Candidate {
  LookupSource source;
  std::string config;
};

struct Found {
  Candidate candidate;
  double distance = 0;
  bool rechecked = false;
};

std::string devices_json(const std::vector<std::int64_t>& ids) {
  return nlohmann::json(ids).dump();
}

std::string describe_when(const LookupSource& s) {
  return fmt::format("session {}, {}", s.session, s.created_at);
}

}  // namespace

Lookup::Lookup(const Store& store, FamilyRules rules) : store_(store), rules_(std::move(rules)) {}

// Tries the exact shape, then tuned shapes nearest first, over `devices` (nullptr: every device).
std::optional<LookupResult> Lookup::search(const LookupRequest& request, const Target& target,
                                           const std::vector<std::int64_t>* devices,
                                           LookupRule nearest_rule, LookupResult& partial) const {
  auto& st = store_.statements();
  const bool same_device = nearest_rule == LookupRule::nearest_shape && target.device_id;
  const std::string device_clause = !devices               ? ""
                                    : devices->size() == 1 ? "AND m.device_id = ?3"
                                                           : "AND m.device_id IN "
                                                             "(SELECT value FROM json_each(?3))";
  auto bind_devices = [&](Statement& s) {
    if (!devices) return;
    if (devices->size() == 1)
      s.bind(3, devices->front());
    else
      s.bind(3, devices_json(*devices));
  };

  auto device_info = [&](std::int64_t id) {
    auto s = st.get(fmt::format("SELECT {} FROM devices WHERE id = ?", catalog::kDeviceColumns));
    s->bind(1, id);
    s->step();
    return catalog::read_device(*s, 0);
  };

  // The best distinct configurations of one tuned problem; the first that `accept`s wins.
  auto best_of = [&](std::int64_t problem_id, const Problem& tuned,
                     bool recheck) -> std::optional<Found> {
    auto s = st.get(fmt::format(
        "SELECT m.id, m.session_id, c.canonical, m.median_ms, m.ci_low_ms, m.ci_high_ms, m.runs, "
        "m.created_at, d.id, d.name, d.architecture "
        "FROM measurements m JOIN configurations c ON c.id = m.configuration_id "
        "JOIN kernels k ON k.id = c.kernel_id JOIN devices d ON d.id = m.device_id "
        "WHERE m.problem_id = ?1 AND m.outcome = 'correct' AND k.family = ?2 {} "
        "ORDER BY m.median_ms, m.id",
        device_clause));
    s->bind(1, problem_id).bind(2, request.kernel);
    bind_devices(*s);
    std::set<std::string> seen;
    while (s->step() && seen.size() < request.candidates_per_shape) {
      Candidate c;
      c.config = s->text(2);
      if (!seen.insert(c.config).second) continue;
      c.source = {s->integer(0),       s->integer(1), tuned,      s->integer(8),
                  s->text(9),          s->text(10),   s->real(3), s->optional_real(4),
                  s->optional_real(5), s->integer(6), s->text(7), seen.size()};
      if (!recheck || !rules_.violation) return Found{c, 0, false};
      const DeviceInfo check_device =
          target.device ? *target.device : device_info(c.source.device_id);
      auto why = rules_.violation(request.kernel, request.problem, check_device, c.config);
      if (!why) return Found{c, 0, true};
      if (partial.rejected.size() < kMaxRejections)
        partial.rejected.push_back({tuned.canonical(), c.config, *why});
    }
    return std::nullopt;
  };

  // 1. The exact shape.
  std::optional<std::int64_t> exact_id;
  {
    auto s = st.get("SELECT id FROM problems WHERE family = ? AND dtype = ? AND shape = ?");
    s->bind(1, request.problem.family)
        .bind(2, request.problem.dtype)
        .bind(3, request.problem.canonical());
    if (s->step()) exact_id = s->integer(0);
  }
  if (exact_id) {
    // Tuned on this very device: valid by construction. Elsewhere: re-checked for this device.
    const bool recheck = !same_device && target.device.has_value();
    if (auto found = best_of(*exact_id, request.problem, recheck)) {
      LookupResult r;
      r.rule = nearest_rule == LookupRule::nearest_shape ? LookupRule::exact : nearest_rule;
      r.config = found->candidate.config;
      r.source = found->candidate.source;
      r.rechecked = found->rechecked;
      r.rejected = std::move(partial.rejected);
      const auto& src = *r.source;
      r.explanation =
          r.rule == LookupRule::exact
              ? fmt::format("exact: tuned for {} on {} ({})", request.problem.canonical(),
                            src.device, describe_when(src))
              : fmt::format(
                    "same architecture ({}): nothing tuned on {}; the same shape was tuned "
                    "on {} ({}){}",
                    target.architecture, target.description, src.device, describe_when(src),
                    r.rechecked ? ", re-checked against this device's limits" : "");
      return r;
    }
  }

  // 2. Tuned shapes of the same family, data type and size names, nearest first.
  std::vector<std::pair<double, std::pair<std::int64_t, Problem>>> near;
  {
    auto s = st.get(fmt::format(
        "SELECT p.id, d.name, d.value FROM problems p JOIN problem_dims d ON d.problem_id = p.id "
        "WHERE p.family = ?1 AND p.dtype = ?2 AND EXISTS (SELECT 1 FROM measurements m "
        "WHERE m.problem_id = p.id AND m.outcome = 'correct' {}) ORDER BY p.id, d.position",
        device_clause));
    s->bind(1, request.problem.family).bind(2, request.problem.dtype);
    bind_devices(*s);
    std::int64_t current = -1;
    Problem tuned;
    auto flush = [&] {
      if (current < 0 || (exact_id && current == *exact_id)) return;
      const double d = shape_distance(request.problem, tuned);
      if (std::isfinite(d) && d <= request.max_distance) near.push_back({d, {current, tuned}});
    };
    while (s->step()) {
      if (s->integer(0) != current) {
        flush();
        current = s->integer(0);
        tuned = Problem{request.problem.family, {}, request.problem.dtype};
      }
      tuned.dims.emplace_back(s->text(1), s->integer(2));
    }
    flush();
  }
  std::sort(near.begin(), near.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first < b.first;
    return a.second.second.canonical() < b.second.second.canonical();
  });
  if (near.size() > request.max_shapes) near.resize(request.max_shapes);
  for (const auto& [distance, entry] : near) {
    auto found = best_of(entry.first, entry.second, true);
    if (!found) continue;
    LookupResult r;
    r.rule = nearest_rule;
    r.config = found->candidate.config;
    r.source = found->candidate.source;
    r.distance = distance;
    r.rechecked = found->rechecked;
    r.rejected = std::move(partial.rejected);
    const auto& src = *r.source;
    const std::string how_near = fmt::format(
        "{} is the nearest tuned shape to {} (distance {:.3f}: sizes {:.2f}x apart "
        "in all)",
        src.problem.canonical(), request.problem.canonical(), distance, std::exp(distance));
    const std::string which = src.rank == 1
                                  ? std::string("its fastest configuration")
                                  : fmt::format(
                                        "its #{} configuration (faster ones break the constraints "
                                        "for {})",
                                        src.rank, request.problem.canonical());
    const std::string checked =
        r.rechecked ? fmt::format("re-checked: valid for {}", request.problem.canonical())
                    : fmt::format("not re-checked: no constraints known for {}", request.kernel);
    r.explanation = nearest_rule == LookupRule::nearest_shape
                        ? fmt::format("nearest shape: {} on {}; {} ({}), {}", how_near, src.device,
                                      which, describe_when(src), checked)
                        : fmt::format(
                              "same architecture ({}): nothing tuned near it on {}; on {}, {}; {} "
                              "({}), {}",
                              target.architecture, target.description, src.device, how_near, which,
                              describe_when(src), checked);
    return r;
  }
  return std::nullopt;
}

LookupResult Lookup::best(const LookupRequest& request) const {
  auto& st = store_.statements();
  Target target;
  target.device = request.device;
  target.architecture = !request.architecture.empty()
                            ? request.architecture
                            : (request.device ? request.device->architecture : "");
  if (request.device) {
    const std::string fingerprint = !request.device_fingerprint.empty()
                                        ? request.device_fingerprint
                                        : request.device->fingerprint();
    auto s = st.get("SELECT id FROM devices WHERE fingerprint = ?");
    s->bind(1, fingerprint);
    if (s->step()) target.device_id = s->integer(0);
    target.description = request.device->name;
  } else if (!target.architecture.empty()) {
    target.description = fmt::format("a device of architecture {}", target.architecture);
  } else {
    target.description = "any device";
  }

  LookupResult partial;
  // Rules 1 and 2: this device, or any device when none was named.
  if (request.device && target.device_id) {
    const std::vector<std::int64_t> one{*target.device_id};
    if (auto r = search(request, target, &one, LookupRule::nearest_shape, partial)) return *r;
  } else if (!request.device && target.architecture.empty()) {
    if (auto r = search(request, target, nullptr, LookupRule::nearest_shape, partial)) return *r;
  }
  // Rule 3: other devices of the same architecture.
  if (!target.architecture.empty()) {
    std::vector<std::int64_t> siblings;
    auto s = st.get("SELECT id FROM devices WHERE architecture = ? ORDER BY id");
    s->bind(1, target.architecture);
    while (s->step())
      if (!target.device_id || s->integer(0) != *target.device_id)
        siblings.push_back(s->integer(0));
    if (!siblings.empty())
      if (auto r = search(request, target, &siblings, LookupRule::same_architecture, partial))
        return *r;
  }
  // Rule 4: the kernel's default.
  LookupResult r;
  r.rejected = std::move(partial.rejected);
  const DeviceInfo device = request.device.value_or(DeviceInfo{});
  std::optional<std::string> fallback;
  if (rules_.default_config)
    fallback = rules_.default_config(request.kernel, request.problem, device);
  if (fallback) {
    r.rule = LookupRule::default_config;
    r.config = *fallback;
    r.explanation = fmt::format(
        "default: nothing usable tuned for {} {} on {}{}; this is the kernel's default "
        "configuration",
        request.kernel, request.problem.canonical(), target.description,
        target.architecture.empty() || !request.device
            ? ""
            : fmt::format(" or another device of architecture {}", target.architecture));
    if (request.device && rules_.violation) {
      r.rechecked = true;
      if (auto why = rules_.violation(request.kernel, request.problem, device, r.config))
        r.explanation += fmt::format(" (note: it breaks the constraints here: {})", *why);
    }
    return r;
  }
  r.rule = LookupRule::none;
  r.explanation = fmt::format(
      "none: nothing usable tuned for {} {} on {}, and no default configuration is known for "
      "kernel '{}'",
      request.kernel, request.problem.canonical(), target.description, request.kernel);
  return r;
}

}  // namespace ktune::db
