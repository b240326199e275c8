#include "db/lookup.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include <fmt/format.h>

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

// shape_distance() between a problem and a canonical shape text, without building a Problem:
// the nearest-shape rule computes it for every stored shape of the family.
double text_distance(const Problem& problem, std::string_view shape) {
  constexpr double kFar = std::numeric_limits<double>::infinity();
  double distance = 0;
  std::size_t sizes = 0, start = 0;
  while (start < shape.size()) {
    auto comma = shape.find(',', start);
    if (comma == std::string_view::npos) comma = shape.size();
    const auto item = shape.substr(start, comma - start);
    start = comma + 1;
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) return kFar;
    std::int64_t value = 0;
    const auto text = item.substr(eq + 1);
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return kFar;
    const auto wanted = problem.find(item.substr(0, eq));
    if (!wanted || value <= 0 || *wanted <= 0) return kFar;
    distance += std::abs(std::log(static_cast<double>(*wanted) / static_cast<double>(value)));
    ++sizes;
  }
  return sizes == problem.dims.size() ? distance : kFar;
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
  auto device_info = [&](std::int64_t id) {
    auto s = st.get(fmt::format("SELECT {} FROM devices WHERE id = ?", catalog::kDeviceColumns));
    s->bind(1, id);
    s->step();
    return catalog::read_device(*s, 0);
  };

  // The devices with correct results for a problem, by a loose index scan (one seek each).
  auto devices_of = [&](std::int64_t problem_id) {
    std::vector<std::int64_t> ids;
    if (devices) {
      ids = *devices;
      return ids;
    }
    auto s = st.get(
        "WITH RECURSIVE d(id) AS ("
        " SELECT MIN(device_id) FROM measurements WHERE problem_id = ?1 AND outcome = 'correct'"
        " UNION ALL SELECT (SELECT MIN(device_id) FROM measurements WHERE problem_id = ?1"
        "  AND outcome = 'correct' AND device_id > d.id) FROM d WHERE d.id IS NOT NULL) "
        "SELECT id FROM d WHERE id IS NOT NULL");
    s->bind(1, problem_id);
    while (s->step())
      ids.push_back(s->integer(0));
    return ids;
  };

  // The fastest `limit` correct measurements of a problem on each device (index order: no sort),
  // merged fastest first.
  struct Row {
    std::int64_t id, session, configuration, device, runs;
    double median_ms;
    std::optional<double> ci_low, ci_high;
    std::string created_at;
    double rank_ms;  // what ranks it (schema 3: the finalists' verdict)
  };
  auto fastest = [&](std::int64_t problem_id, const std::vector<std::int64_t>& on,
                     std::size_t limit) {
    std::vector<Row> rows;
    auto s = st.get(
        "SELECT id, session_id, configuration_id, device_id, runs, median_ms, ci_low_ms, "
        "ci_high_ms, created_at, rank_ms FROM measurements WHERE problem_id = ? AND device_id = ? "
        "AND outcome = 'correct' AND rank_ms IS NOT NULL ORDER BY rank_ms, id LIMIT ?");
    for (auto device : on) {
      s->reset();
      s->bind(1, problem_id).bind(2, device).bind(3, static_cast<std::int64_t>(limit));
      while (s->step())
        rows.push_back({s->integer(0), s->integer(1), s->integer(2), s->integer(3), s->integer(4),
                        s->real(5), s->optional_real(6), s->optional_real(7), s->text(8),
                        s->real(9)});
    }
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
      return a.rank_ms != b.rank_ms ? a.rank_ms < b.rank_ms : a.id < b.id;
    });
    return rows;
  };

  // A configuration's canonical text, when it belongs to the requested kernel family.
  auto configuration_of = [&](std::int64_t configuration) -> std::optional<std::string> {
    auto s = st.get(
        "SELECT c.canonical, k.family FROM configurations c JOIN kernels k ON k.id = c.kernel_id "
        "WHERE c.id = ?");
    s->bind(1, configuration);
    if (!s->step() || s->text(1) != request.kernel) return std::nullopt;
    return s->text(0);
  };

  // The best distinct configurations of one tuned problem, fastest first; the first that passes
  // the re-check (when asked for) wins. Most answers need one row per device.
  auto best_of = [&](std::int64_t problem_id, const Problem& tuned, bool recheck,
                     bool* measured = nullptr) -> std::optional<Found> {
    const auto on = devices_of(problem_id);
    if (on.empty()) return std::nullopt;
    const bool checking = recheck && rules_.violation;
    auto consider = [&](const Row& row, std::size_t rank, bool record) -> std::optional<Found> {
      Candidate c;
      c.config = *configuration_of(row.configuration);
      const DeviceInfo device = device_info(row.device);
      c.source = {
          row.id,        row.session, tuned,       row.device, device.name,    device.architecture,
          row.median_ms, row.ci_low,  row.ci_high, row.runs,   row.created_at, rank};
      if (!checking) return Found{c, 0, false};
      auto why = rules_.violation(request.kernel, request.problem,
                                  target.device ? *target.device : device, c.config);
      if (!why) return Found{c, 0, true};
      if (record && partial.rejected.size() < kMaxRejections)
        partial.rejected.push_back({tuned.canonical(), c.config, *why});
      return std::nullopt;
    };
    // Usually the fastest row overall is the answer: one row per device finds it.
    const auto first = fastest(problem_id, on, 1);
    if (first.empty()) return std::nullopt;
    if (measured) *measured = true;
    if (configuration_of(first.front().configuration))
      if (auto found = consider(first.front(), 1, false)) return found;
    // Otherwise walk the fastest distinct configurations, in order, until one passes.
    std::set<std::string> seen;
    for (const auto& row : fastest(problem_id, on, request.candidates_per_shape)) {
      if (seen.size() >= request.candidates_per_shape) break;
      auto config = configuration_of(row.configuration);
      if (!config || !seen.insert(*config).second) continue;
      if (auto found = consider(row, seen.size(), true)) return found;
    }
    return std::nullopt;
  };

  // 1. The exact shape.
  std::optional<std::int64_t> exact_id;
  {
    auto s = st.get("SELECT id FROM problems WHERE family = ? AND dtype = ? AND shape = ?");
    s->bind(1, request.problem.kernel)
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

  // 2. Shapes of the same family, data type and size names, nearest first; a shape counts (for
  // max_shapes) when it has results on these devices. Probing in distance order finds the
  // nearest tuned shape with a few index seeks, however many shapes are stored.
  struct Near {
    double distance = 0;
    std::string shape;  // canonical; also orders equally near shapes
    std::int64_t id = 0;
  };
  std::vector<Near> near;
  {
    // The canonical text has the sizes in the family's order: no join, no sort in SQL.
    auto s = st.get("SELECT id, shape FROM problems WHERE family = ? AND dtype = ?");
    s->bind(1, request.problem.kernel).bind(2, request.problem.dtype);
    while (s->step()) {
      const auto id = s->integer(0);
      if (exact_id && id == *exact_id) continue;
      auto shape = s->text(1);
      const double distance = text_distance(request.problem, shape);
      if (std::isfinite(distance) && distance <= request.max_distance)
        near.push_back({distance, std::move(shape), id});
    }
  }
  std::sort(near.begin(), near.end(), [](const Near& a, const Near& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.shape < b.shape;
  });
  std::size_t tried = 0;
  for (const auto& candidate : near) {
    if (tried >= request.max_shapes) break;
    bool measured = false;
    const Problem tuned{request.problem.kernel, parse_shape_text(candidate.shape),
                        request.problem.dtype};
    auto found = best_of(candidate.id, tuned, true, &measured);
    if (measured) ++tried;
    if (!found) continue;
    const double distance = candidate.distance;
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
