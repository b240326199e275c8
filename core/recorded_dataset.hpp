#pragma once
// A search recorded on a real GPU (Kernel Tuner cache or T4 file), as plain data: the parameters,
// and for every configuration tried its time or its failure and what evaluating it cost. The
// replay backend serves evaluations from it; the database imports it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ktune {

struct RecordedParam {
  std::string name;
  std::vector<std::int64_t> values;  // sorted; for non-integer values, indices into `labels`
  std::vector<std::string> labels;   // empty when the values are integers
};

struct RecordedEntry {
  std::vector<std::int64_t> values;  // one per parameter, in RecordedDataset::params order
  std::optional<double> time_ms;     // the recorded objective; empty for a failure
  std::string failure;               // empty, "compile", "runtime" or "invalid"
  std::string failure_detail;        // the file's own word for it ("CompilationFailedConfig")
  std::vector<double> times_ms;      // the individual runs
  double compile_ms = 0;             // what evaluating this configuration cost the tuner
  double benchmark_ms = 0;
  double verification_ms = 0;
  double framework_ms = 0;
  std::string timestamp;

  double cost_ms() const { return compile_ms + benchmark_ms + verification_ms + framework_ms; }
};

struct RecordedDataset {
  std::string source;  // the file it was read from
  std::string format;  // "kernel_tuner" or "t4"
  std::string device_name;
  std::string kernel_name;
  std::vector<std::int64_t> problem_size;
  std::string objective = "time";
  std::vector<RecordedParam> params;
  std::vector<RecordedEntry> entries;
};

}  // namespace ktune
