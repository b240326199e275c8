#include "profiles/replay/replay_evaluator.hpp"

#include <chrono>
#include <limits>
#include <thread>

#include <fmt/format.h>

#include "core/error.hpp"

namespace ktune::profiles::replay {

Space dataset_space(const RecordedDataset& dataset) {
  if (dataset.entries.empty())
    throw UsageError(fmt::format("dataset '{}': has no entries", dataset.source));
  const auto& first = dataset.entries.front().values;
  std::vector<Param> params;
  for (std::size_t i = 0; i < dataset.params.size(); ++i) {
    const auto& p = dataset.params[i];
    if (p.labels.empty())
      params.push_back(Param::integer(p.name, p.values, first[i]));
    else
      params.push_back(
          Param::choice(p.name, p.labels, p.labels[static_cast<std::size_t>(first[i])]));
  }
  Space space(std::move(params));
  std::vector<Config> allowed;
  allowed.reserve(dataset.entries.size());
  for (const auto& e : dataset.entries)
    allowed.push_back(Config{e.values});
  space.restrict_to(std::move(allowed));
  return space;
}

Problem dataset_problem(const RecordedDataset& dataset) {
  Problem problem;
  problem.kernel = dataset.kernel_name.empty() ? std::string("replay") : dataset.kernel_name;
  for (std::size_t i = 0; i < dataset.problem_size.size(); ++i)
    problem.dims.emplace_back(fmt::format("size{}", i), dataset.problem_size[i]);
  return problem;
}

ReplayEvaluator::ReplayEvaluator(const RecordedDataset& dataset) : dataset_(dataset) {
  device_.backend = "replay";
  device_.name = dataset.device_name.empty() ? std::string("recorded device") : dataset.device_name;
  device_.architecture = "recorded (" + dataset.format + ")";
  optimum_ms_ = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < dataset.entries.size(); ++i) {
    const auto& e = dataset.entries[i];
    entries_.emplace(Config{e.values}, i);  // a repeated entry keeps its first record
    if (e.time_ms && *e.time_ms < optimum_ms_) optimum_ms_ = *e.time_ms;
  }
}

const RecordedEntry* ReplayEvaluator::entry(const Config& config) const {
  auto it = entries_.find(config);
  return it == entries_.end() ? nullptr : &dataset_.entries[it->second];
}

Evaluation ReplayEvaluator::evaluate(const Config& config) {
  Evaluation result = lookup(config);
  if (pace_ > 0 && result.cost_ms > 0)
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(pace_ * result.cost_ms));
  return result;
}

Evaluation ReplayEvaluator::lookup(const Config& config) const {
  Evaluation result;
  const RecordedEntry* e = entry(config);
  if (!e) {
    result.outcome = Outcome::invalid;
    result.message = "not in the recorded space";
    return result;
  }
  result.cost_ms = e->cost_ms();
  result.compile_ms = e->compile_ms;
  if (!e->time_ms) {
    result.outcome = Outcome::invalid;
    result.message = fmt::format("recorded as a {} failure ({})", e->failure, e->failure_detail);
    return result;
  }
  result.outcome = Outcome::correct;
  result.samples_ms = e->times_ms;
  if (result.samples_ms.empty()) result.samples_ms.push_back(*e->time_ms);
  result.time = summarize(result.samples_ms);
  // The objective is the file's own figure (Kernel Tuner records the mean of the runs), so
  // "within X% of the optimum" means what it means to the tool that recorded it.
  result.time.median = *e->time_ms;
  return result;
}

std::vector<double> ReplayEvaluator::sample(const Config&, int) {
  return {};
}

}  // namespace ktune::profiles::replay
