#include "report/report_json.hpp"

#include "core/utc_time.hpp"
#include "db/json.hpp"

namespace ktune::report {
namespace {

Json best_json(const SessionReport& r) {
  const auto& h = r.headline;
  return Json{
      {"config", r.summary.best_config.empty() ? Json(nullptr) : Json(r.summary.best_config)},
      {"objective_ms", optional_json(h.best_ms)},
      {"default_ms", optional_json(h.default_ms)},
      {"speedup_over_default", optional_json(h.speedup_over_default)},
      {"speedup_vs_cpu", optional_json(h.speedup_vs_cpu)},
      {"end_to_end_ms", optional_json(h.end_to_end_ms)},
      {"speedup_vs_cpu_end_to_end", optional_json(h.speedup_vs_cpu_end_to_end)}};
}

Json verdict_json(const SessionReport& r) {
  if (r.finalists.empty()) return nullptr;
  Json j{{"remeasured", r.finalists.front().remeasured}, {"finalists", r.finalists}};
  j["test"] = r.verdict ? Json(r.verdict->test) : Json(nullptr);
  j["p_value_vs_runner_up"] = r.verdict ? finite_json(r.verdict->p_value) : Json(nullptr);
  j["indistinguishable_from_runner_up"] =
      r.verdict ? Json(r.verdict->indistinguishable) : Json(nullptr);
  j["note"] = r.verdict ? Json(r.verdict->note) : Json(nullptr);
  return j;
}

}  // namespace

Json session_report_json(const SessionReport& r) {
  Json j;
  j["session"] = r.summary;
  j["device"] = r.device ? Json(*r.device) : Json(nullptr);
  j["work"] = r.work ? Json{{"flops", r.work->flops}, {"min_bytes", known_json(r.work->min_bytes)}}
                     : Json(nullptr);
  j["best"] = best_json(r);
  j["evaluations"] = r.evaluations;
  j["cpu_baseline"] = r.cpu_baseline ? Json(*r.cpu_baseline) : Json(nullptr);
  j["transfers"] = r.transfers;
  j["verdict"] = verdict_json(r);
  j["crossover"] = r.crossover ? Json(*r.crossover) : Json(nullptr);
  j["occupancy_arch"] = r.occupancy_arch.empty() ? Json(nullptr) : Json(r.occupancy_arch);
  return j;
}

Json report_document(const std::vector<SessionReport>& sessions, const std::string& database) {
  Json list = Json::array();
  for (const auto& s : sessions)
    list.push_back(session_report_json(s));
  return Json{
      {"report",
       {{"ktune_version", KTUNE_VERSION}, {"generated_at", now_utc()}, {"database", database}}},
      {"sessions", std::move(list)}};
}

}  // namespace ktune::report
