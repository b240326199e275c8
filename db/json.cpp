#include "db/json.hpp"

#include <cmath>

namespace ktune::db {
namespace {

Json text_or_null(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

}  // namespace

Json params_json(const std::vector<ParamValue>& params) {
  Json j = Json::object();
  for (const auto& p : params) {
    const bool numeric = p.kind == ParamValue::Kind::integer || p.kind == ParamValue::Kind::boolean;
    j[p.name] = numeric && p.value ? Json(*p.value) : Json(p.label);
  }
  return j;
}

void to_json(Json& j, const CpuBaseline& b) {
  j = Json{{"name", b.name}, {"median_ms", known_json(b.median_ms)}};
}

void to_json(Json& j, const StoredCpuBaseline& b) {
  j = Json{{"baseline_id", b.id},
           {"method", b.method},
           {"library", b.library},
           {"libraries", b.libraries},
           {"threads", b.threads},
           {"host", b.host},
           {"samples_ms", b.samples_ms},
           {"time", b.time},
           {"gflops", known_json(b.gflops)},
           {"reused", b.reused},
           {"measured_at", b.created_at}};
}

void to_json(Json& j, const StoredFinalist& f) {
  j = Json{{"rank", f.rank},
           {"config", f.config},
           {"remeasured", f.remeasured},
           {"samples_ms", f.samples_ms},
           {"time", f.time}};
}

void to_json(Json& j, const StoredCrossover& x) {
  j = Json{{"crossover_id", x.id},
           {"kernel", x.kernel},
           {"device_id", x.device_id},
           {"host", x.host},
           {"points", x.points},
           {"kernel_crossover", optional_json(x.kernel_crossover)},
           {"end_to_end_crossover", optional_json(x.end_to_end_crossover)},
           {"tool_version", x.tool_version},
           {"measured_at", x.created_at}};
}

void to_json(Json& j, const StoredContext& c) {
  j = Json{{"kernel", c.kernel},
           {"variant", c.variant},
           {"source_hash", c.source_hash},
           {"problem", c.problem},
           {"dtype", c.dtype},
           {"device_id", c.device_id},
           {"device_name", c.device_name},
           {"backend", c.backend},
           {"architecture", c.architecture},
           {"driver_version", c.driver_version},
           {"runtime_version", c.runtime_version},
           {"device_fingerprint", c.device_fingerprint}};
}

void to_json(Json& j, const StoredSession& s) {
  j = Json{{"id", s.id}, {"uid", s.uid}};
  merge_into(j, Json(static_cast<const StoredContext&>(s)));
  merge_into(j, Json{{"strategy", s.strategy},
                     {"seed", s.seed},
                     {"status", s.status},
                     {"origin", s.origin},
                     {"source", s.source},
                     {"budget",
                      {{"evaluations", optional_json(s.budget_evaluations)},
                       {"seconds", optional_json(s.budget_seconds)}}},
                     {"space_size", optional_json(s.space_size)},
                     {"settings", s.settings},
                     {"command", s.command},
                     {"host", s.host},
                     {"tool_version", s.tool_version},
                     {"started_at", s.started_at},
                     {"ended_at", text_or_null(s.ended_at)},
                     {"stop_reason", optional_json(s.stop_reason)}});
}

void to_json(Json& j, const StoredMeasurement& m) {
  j = Json{{"measurement_id", m.id},
           {"session", m.session},
           {"session_uid", m.session_uid},
           {"seq", m.seq},
           {"origin", m.origin}};
  merge_into(j, Json(static_cast<const StoredContext&>(m)));
  j["config"] = m.config;
  j["params"] = params_json(m.params);
  merge_into(j, Json(m.evaluation));
  j["cpu_baseline"] = m.baseline ? Json(*m.baseline) : Json(nullptr);
  j["measured_at"] = m.created_at;
}

void to_json(Json& j, const StoredDevice& d) {
  j = Json{{"id", d.id},
           {"fingerprint", d.fingerprint},
           {"first_seen", d.first_seen},
           {"sessions", d.sessions},
           {"measurements", d.measurements},
           {"device", d.info}};
}

void to_json(Json& j, const SessionSummary& s) {
  j = Json(s.session);
  j["measurements"] = s.measurements;
  j["correct"] = s.correct;
  j["best_ms"] = optional_json(s.best_ms);
  j["best_config"] = text_or_null(s.best_config);
}

Json lookup_json(const Store& store, const LookupRequest& request, const LookupResult& r) {
  Json source = nullptr;
  if (r.source) {
    if (auto m = store.measurement(r.source->measurement)) {
      source = Json{{"rank", r.source->rank}};
      merge_into(source, Json(*m));
    }
  }
  Json rejected = Json::array();
  for (const auto& x : r.rejected)
    rejected.push_back({{"problem", x.problem}, {"config", x.config}, {"reason", x.reason}});
  return Json{{"kernel", request.kernel},
              {"problem", request.problem.canonical()},
              {"dtype", request.problem.dtype},
              {"rule", std::string(to_string(r.rule))},
              {"config", r.config.empty() ? Json(nullptr) : Json(r.config)},
              {"distance", r.distance},
              {"rechecked", r.rechecked},
              {"explanation", r.explanation},
              {"source", source},
              {"rejected", rejected}};
}

void to_json(Json& j, const Comparison& c) {
  std::optional<double> same;
  if (c.common_ratio && *c.common_ratio > 0) same = 1.0 / *c.common_ratio;
  j = Json{{"problem", c.problem},
           {"dtype", c.dtype},
           {"a", {{"config", c.a_config}, {"median_ms", c.a_ms}}},
           {"b", {{"config", c.b_config}, {"median_ms", c.b_ms}}},
           {"speedup_b_over_a", finite_json(c.a_ms / c.b_ms)},
           {"common_configs", c.common_configs},
           {"same_config_speedup_b_over_a", optional_json(same)}};
}

void to_json(Json& j, const MergeSourceReport& r) {
  j = Json{{"source", r.path},
           {"schema_version", r.schema_version},
           {"sessions_added", r.sessions_added},
           {"sessions_present", r.sessions_present},
           {"sessions_updated", r.sessions_updated},
           {"measurements_added", r.measurements_added},
           {"duplicates", r.duplicates},
           {"renumbered", r.renumbered}};
}

void to_json(Json& j, const ImportSummary& s) {
  j = Json{{"session", s.session},    {"already_imported", s.already_imported},
           {"kernel", s.kernel},      {"problem", s.problem},
           {"device_name", s.device}, {"measurements", s.measurements},
           {"correct", s.correct},    {"failures", s.failures}};
}

void to_json(Json& j, const DatabaseInfo& info) {
  Json rows = Json::object();
  for (const auto& [table, count] : info.rows)
    rows[table] = count;
  Json migrations = Json::array();
  for (const auto& m : info.migrations)
    migrations.push_back({{"version", m.version},
                          {"applied_at", m.applied_at},
                          {"tool_version", m.tool_version},
                          {"backup", m.backup}});
  j = Json{{"path", info.path},
           {"schema_version", info.schema_version},
           {"journal_mode", info.journal_mode},
           {"bytes", info.bytes},
           {"rows", rows},
           {"migrations", migrations}};
}

}  // namespace ktune::db
