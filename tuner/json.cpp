#include "tuner/json.hpp"

#include "space/config_json.hpp"

namespace ktune::tuner {

void to_json(Json& j, const Budget& b) {
  j = Json{{"evaluations", optional_json(b.evaluations)},
           {"seconds", optional_json(b.seconds)},
           {"stagnation", optional_json(b.stagnation)}};
}

Json evaluated_json(const Space& space, const EvaluatedConfig& e) {
  Json j{{"index", e.index},
         {"config", space.canonical(e.config)},
         {"params", params_json(space, e.config)},
         {"objective_ms", optional_json(e.evaluation.objective_ms())},
         {"at_s", e.at_seconds},
         {"resumed", e.resumed},
         {"device", e.device}};
  merge_into(j, Json(e.evaluation));
  return j;
}

Json verdict_json(const Space& space, const TuneResult& result, const Verdict& v) {
  if (v.finalists.empty()) return nullptr;
  Json finalists = Json::array();
  for (const auto& f : v.finalists) {
    const auto& e = result.evaluations[f.evaluation];
    finalists.push_back({{"index", e.index},
                         {"config", space.canonical(e.config)},
                         {"params", params_json(space, e.config)},
                         {"samples_ms", f.samples},
                         {"time", f.summary}});
  }
  return Json{{"remeasured", v.remeasured},
              {"finalists", finalists},
              {"test", v.test},
              {"p_value_vs_runner_up", optional_json(v.p_value)},
              {"indistinguishable_from_runner_up", v.indistinguishable},
              {"note", v.note}};
}

}  // namespace ktune::tuner
