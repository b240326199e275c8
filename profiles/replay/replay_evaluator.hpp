#pragma once
// The replay backend: evaluations served from a search recorded on a real GPU. The space is
// the file's entries (failed ones included); evaluating an entry returns its recorded time and
// runs, or outcome `invalid` for a recorded failure; either way the evaluation costs what the
// recorded tuner paid for it (compile + benchmark + verification + framework time), which the
// session adds up as simulated tuning time.
#include <string>
#include <unordered_map>
#include <vector>

#include "core/problem.hpp"
#include "core/recorded_dataset.hpp"
#include "profiles/evaluator.hpp"
#include "space/space.hpp"

namespace ktune::profiles::replay {

// The dataset's parameters (integers, or choices among the recorded labels), restricted to the
// recorded entries. The default configuration is the first entry's.
Space dataset_space(const RecordedDataset& dataset);

// A name for the stored session: the dataset's kernel and problem size.
Problem dataset_problem(const RecordedDataset& dataset);

class ReplayEvaluator final : public Evaluator {
 public:
  // `dataset` must outlive the evaluator. Configurations are in the dataset's parameter order
  // (that of dataset_space(), whatever --set or --restrict did to it since).
  explicit ReplayEvaluator(const RecordedDataset& dataset);

  const DeviceInfo& device() const override { return device_; }
  Evaluation evaluate(const Config& config) override;
  // The recorded evaluation without the pacing delay (resuming a replayed session).
  Evaluation lookup(const Config& config) const;
  // Sleep `fraction` of each evaluation's recorded cost (1: replay in real time; 0: no delay).
  void set_pace(double fraction) { pace_ = fraction; }
  // A recording cannot be run again: always empty.
  std::vector<double> sample(const Config& config, int runs) override;

  // The best recorded objective (ms) among entries that ran correctly.
  double optimum_ms() const { return optimum_ms_; }
  const RecordedEntry* entry(const Config& config) const;

 private:
  const RecordedDataset& dataset_;
  DeviceInfo device_;
  std::unordered_map<Config, std::size_t, ConfigHash> entries_;
  double optimum_ms_ = 0;
  double pace_ = 0;
};

}  // namespace ktune::profiles::replay
