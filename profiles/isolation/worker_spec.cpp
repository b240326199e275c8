#include "profiles/isolation/worker_spec.hpp"

namespace ktune::profiles::isolation {

void to_json(Json& j, const WorkerSpec& spec) {
  Json dims = Json::object();
  for (const auto& [name, value] : spec.problem.dims)
    dims[name] = value;
  const MeasureOptions& m = spec.measure;
  j = Json{
      {"kernel", spec.kernel},
      {"problem", {{"kernel", spec.problem.kernel}, {"dims", dims}, {"dtype", spec.problem.dtype}}},
      {"backend", spec.backend},
      {"device", spec.device},
      {"sets", spec.sets},
      {"restricts", spec.restricts},
      {"measure",
       {{"warmup_runs", m.warmup_runs},
        {"min_runs", m.min_runs},
        {"max_runs", m.max_runs},
        {"target_relative_ci", m.target_relative_ci},
        {"max_seconds_per_variant", m.max_seconds_per_variant},
        {"timeout_ms", m.timeout_ms},
        {"seed", m.seed},
        {"flush_caches", m.flush_caches},
        {"prune", m.prune.text()},
        {"profile", m.profile},
        {"flop_counts", m.counters.flop_counts},
        {"extra_metrics", m.counters.extra_metrics},
        {"cpu_baseline_ms", m.cpu_baseline_ms}}},
      {"timer", spec.timer}};
}

void from_json(const Json& j, WorkerSpec& spec) {
  spec.kernel = j.at("kernel").get<std::string>();
  const Json& problem = j.at("problem");
  spec.problem.kernel = problem.at("kernel").get<std::string>();
  spec.problem.dtype = problem.at("dtype").get<std::string>();
  spec.problem.dims.clear();
  for (const auto& [name, value] : problem.at("dims").items())
    spec.problem.dims.emplace_back(name, value.get<std::int64_t>());
  spec.backend = j.at("backend").get<std::string>();
  spec.device = j.at("device").get<int>();
  spec.sets = j.at("sets").get<std::vector<std::string>>();
  spec.restricts = j.at("restricts").get<std::vector<std::string>>();
  const Json& m = j.at("measure");
  MeasureOptions& o = spec.measure;
  o.warmup_runs = m.at("warmup_runs").get<int>();
  o.min_runs = m.at("min_runs").get<int>();
  o.max_runs = m.at("max_runs").get<int>();
  o.target_relative_ci = m.at("target_relative_ci").get<double>();
  o.max_seconds_per_variant = m.at("max_seconds_per_variant").get<double>();
  o.timeout_ms = m.at("timeout_ms").get<double>();
  o.seed = m.at("seed").get<std::uint64_t>();
  o.flush_caches = m.at("flush_caches").get<bool>();
  const auto prune = m.at("prune").get<std::string>();
  o.prune = prune.empty() ? PruneRules{} : PruneRules::parse(prune);
  o.profile = m.at("profile").get<bool>();
  o.counters.flop_counts = m.at("flop_counts").get<bool>();
  o.counters.extra_metrics = m.at("extra_metrics").get<std::vector<std::string>>();
  o.cpu_baseline_ms = m.at("cpu_baseline_ms").get<double>();
  spec.timer = j.at("timer").get<std::string>();
}

}  // namespace ktune::profiles::isolation
