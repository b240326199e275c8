#pragma once
// What a worker opens: the kernel and problem, the device (backend and index), the space's fixed
// values and constraints, and how to measure. The parent sends it as the first message; the
// worker rebuilds from it the KernelEvaluator an in-process run would create.
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/problem.hpp"
#include "profiles/kernel_evaluator.hpp"

namespace ktune::profiles::isolation {

struct WorkerSpec {
  std::string kernel;  // the family's name
  Problem problem;
  std::string backend;                 // "opencl", "cuda"
  int device = 0;                      // index within the backend
  std::vector<std::string> sets;       // NAME=VALUE, as Space::fix takes them
  std::vector<std::string> restricts;  // constraints, as Space::add_constraint takes them
  MeasureOptions measure;
  std::string timer = "events";
};

// The device refused the timer the spec names (its set_timer threw UsageError).
class TimerRefused : public UsageError {
 public:
  using UsageError::UsageError;
};

// {"kernel", "problem": {"kernel", "dims": {NAME: n}, "dtype"}, "backend", "device", "sets",
//  "restricts", "measure": {...every MeasureOptions field...}, "timer"}
void to_json(Json& j, const WorkerSpec& spec);
void from_json(const Json& j, WorkerSpec& spec);

}  // namespace ktune::profiles::isolation
