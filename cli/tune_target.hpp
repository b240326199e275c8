#pragma once
// What `ktune tune` works with: its options, and the target it tunes (a kernel on a device, or a
// recorded search). Shared by tune_command.cpp, tune_resume.cpp and tune_report.cpp.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cli/option_groups.hpp"
#include "core/device_info.hpp"
#include "core/problem.hpp"
#include "kernels/family.hpp"
#include "profiles/backends.hpp"
#include "profiles/kernel_evaluator.hpp"
#include "profiles/replay/replay_evaluator.hpp"
#include "space/space.hpp"
#include "tuner/finalists.hpp"

namespace ktune::cli {

// `ktune tune matmul` with no options (1024^3 on PoCL, a few seconds a variant) must be done in
// about five minutes: four minutes of search, then the finalists' re-measurement.
constexpr double kDefaultBudgetSeconds = 240;

struct TuneOptions {
  TargetOptions target{TargetOptions::Device::chosen_or_replay};
  SpaceOptions space;
  MeasurementOptions measurement;
  DatabaseOption database;
  FormatOption output{{Format::table, Format::json}};
  std::string dataset, strategy = "auto", resume, shard, prune;
  ShapeListOption shapes;
  std::uint64_t seed = 1;
  std::size_t budget_evals = 0, stagnation = 0;
  double budget_time = kDefaultBudgetSeconds;
  bool exhaustive = false, no_counters = false, flops = false, no_baseline = false;
  tuner::FinalistOptions finalists;
  double replay_pace = 0;
  bool replay() const { return !dataset.empty(); }
};

// What is tuned: a kernel on a device, or a recorded search. Built in place and never moved:
// the evaluator refers to the space, the device and the dataset.
struct Target {
  std::string kernel;
  Problem problem;
  DeviceInfo device;
  Space space;
  const kernels::Family* family = nullptr;  // null in a replay
  profiles::Selection selection;            // kernel: the chosen backend and device
  std::unique_ptr<profiles::Device> opened;
  RecordedDataset dataset;  // replay only
  std::unique_ptr<profiles::Evaluator> evaluator;
  profiles::replay::ReplayEvaluator* replayer = nullptr;  // the evaluator, in a replay
  // A search on several devices: every device's index (the first is `device`, whose evaluator
  // re-measures the finalists), and the other devices and their evaluators.
  std::vector<int> device_indices;
  std::vector<std::unique_ptr<profiles::Device>> other_devices;
  std::vector<std::unique_ptr<profiles::Evaluator>> other_evaluators;

  std::vector<profiles::Evaluator*> evaluators() const {
    std::vector<profiles::Evaluator*> all{evaluator.get()};
    for (const auto& e : other_evaluators)
      all.push_back(e.get());
    return all;
  }
  std::vector<TransferTiming> transfers;  // the kernel's data copied in and out
  std::string transfers_skipped;          // else: why not

  bool replay() const { return family == nullptr; }
};

}  // namespace ktune::cli
