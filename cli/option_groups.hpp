#pragma once
// The options several commands share, each declared once with its checks: the results database,
// the output format, the measurement settings, the kernel to work on (and its device), and the
// space's --set/--restrict. resolve_kernel() turns the target options into what tune and
// profile work with.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "cli/output.hpp"
#include "core/problem.hpp"
#include "kernels/family.hpp"
#include "profiles/backends.hpp"
#include "profiles/kernel_evaluator.hpp"
#include "space/space.hpp"

namespace ktune::cli {

// --db FILE
class DatabaseOption final : public OptionGroup {
 public:
  std::string path;  // empty: $KTUNE_DB, else the XDG location
  void declare(po::options_description& options) override;
};

// --format, among the formats a command prints (the first is the default).
class FormatOption final : public OptionGroup {
 public:
  explicit FormatOption(std::vector<Format> accepted);
  Format format;
  void declare(po::options_description& options) override;

 private:
  std::vector<Format> accepted_;
  std::string text_;
};

// --min-runs, --max-runs, --target-ci, --timeout, --timer and --isolation: how each variant is
// timed, and where (a worker process, or this one).
class MeasurementOptions final : public OptionGroup {
 public:
  explicit MeasurementOptions(profiles::MeasureOptions defaults = {});
  profiles::MeasureOptions measure;
  std::string timer = "events";
  std::string isolation = "process";
  void declare(po::options_description& options) override;
  void check(const CommandLine& line) override;
};

// The kernel (positional) and --shape; with a device, --backend and --device too.
class TargetOptions final : public OptionGroup {
 public:
  enum class Device { none, chosen, chosen_or_replay };
  explicit TargetOptions(Device device_options = Device::chosen)
      : device_options_(device_options) {}
  bool kernel_required = true;   // else the command checks it (tune: a replay has none)
  bool several_devices = false;  // --device may name several (a list, or all)
  std::string kernel;
  std::string shape;         // empty: the kernel's default problem
  std::string backend;       // empty: the best backend with a device
  int device = -1;           // -1: the backend's best device; else the first of `devices`
  std::vector<int> devices;  // as listed (a repeated index opens that device again)
  bool all_devices = false;  // --device all
  void declare(po::options_description& options) override;
  void check(const CommandLine& line) override;

 private:
  Device device_options_;
  std::string device_text_;
};

// --set NAME=VALUE and --restrict EXPR (repeatable).
class SpaceOptions final : public OptionGroup {
 public:
  std::vector<std::string> sets, restricts;
  void declare(po::options_description& options) override;
  // Fixes and constrains `space`; UsageError names the option.
  void apply(Space& space) const;
  // As a session's settings store them ("set.1" -> "BM=64", "restrict.1" -> ...).
  std::map<std::string, std::string> settings() const;
};

// --shapes FILE or --shapes session:ID: the list of shapes tuned in turn, from a file (one a
// line) or from a stored session (the list that session's run tuned).
class ShapeListOption final : public OptionGroup {
 public:
  std::string text;                     // as given; empty: no list
  std::optional<std::int64_t> session;  // session:ID
  bool given() const { return !text.empty(); }
  const std::string& file() const { return text; }  // when no session
  void declare(po::options_description& options) override;
  void check(const CommandLine& line) override;
};

// A kernel on a device: the family, the problem, the chosen device and the space on it (with
// --set/--restrict applied). The device is found, not opened.
struct KernelTarget {
  const kernels::Family* family = nullptr;
  Problem problem;
  profiles::Selection selection;
  Space space;
};
KernelTarget resolve_kernel(const TargetOptions& target, const SpaceOptions* space = nullptr);

// Every device --device names on the chosen backend (the chosen one alone when it names one),
// checked to be of one model: a search on several devices tunes for one model.
std::vector<DeviceInfo> resolve_devices(const TargetOptions& target,
                                        const profiles::Selection& chosen);

// The problem of a built-in kernel from --shape (its default when empty).
Problem parse_kernel_problem(const kernels::Family& family, const std::string& shape);

}  // namespace ktune::cli
