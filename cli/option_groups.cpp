#include "cli/option_groups.hpp"

#include <charconv>

#include <fmt/format.h>

#include "core/error.hpp"

namespace ktune::cli {

void DatabaseOption::declare(po::options_description& options) {
  options.add_options()(
      "db", path_value(&path, "--db"),
      "results database (default: $KTUNE_DB, else $XDG_DATA_HOME/ktune/ktune.db)");
}

FormatOption::FormatOption(std::vector<Format> accepted)
    : format(accepted.front()), accepted_(std::move(accepted)), text_(enum_name(format)) {}

void FormatOption::declare(po::options_description& options) {
  std::vector<std::string> names;
  for (auto f : accepted_)
    names.push_back(enum_name(f));
  const std::string help = fmt::format("{}", fmt::join(names, ", "));
  // One notifier (a second would replace the first): check, then set the format.
  options.add_options()("format",
                        po::value<std::string>()->default_value(text_)->notifier(
                            [this, names](const std::string& text) {
                              check_text(text, "--format", names);
                              for (std::size_t i = 0; i < names.size(); ++i)
                                if (names[i] == text) format = accepted_[i];
                            }),
                        help.c_str());
}

void ShapeListOption::declare(po::options_description& options) {
  options.add_options()(
      "shapes", path_value(&text, "--shapes"),
      "tune each shape of this file in turn (one a line, as --shape takes it; # comments), or "
      "session:ID for the shapes a stored session's run tuned (its list, else its shape); each "
      "search starts from the best configuration stored for the nearest tuned shape; with "
      "--resume, unfinished shapes continue and finished ones are skipped");
}

void ShapeListOption::check(const CommandLine&) {
  session.reset();
  static constexpr std::string_view kPrefix = "session:";
  if (!text.starts_with(kPrefix)) return;
  const std::string id = text.substr(kPrefix.size());
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (id.empty() || error != std::errc() || end != id.data() + id.size() || value < 1)
    throw UsageError(fmt::format(
        "--shapes {}: expected session:ID with a session id (a number from 1, see ktune query "
        "sessions), or a file (./{} for a file of that name)",
        text, text));
  session = value;
}

MeasurementOptions::MeasurementOptions(profiles::MeasureOptions defaults)
    : measure(std::move(defaults)) {}

void MeasurementOptions::declare(po::options_description& options) {
  options.add_options()("min-runs", integer_value(&measure.min_runs, "--min-runs", 1),
                        "timed runs per variant, at least")(
      "max-runs", integer_value(&measure.max_runs, "--max-runs", 1),
      "timed runs per variant, at most")(
      "target-ci", real_value(&measure.target_relative_ci, "--target-ci", 0),
      "stop repeating when the 95% CI of the median is this narrow (relative)")(
      "timeout", real_value(&measure.timeout_ms, "--timeout", 0),
      "a run over this many ms is a timeout")(
      "timer", text_value(&timer, "--timer", {"events", "cupti"}),
      "events (CUDA/OpenCL events) or cupti (CUDA: kernel timestamps from the Activity API)")(
      "isolation", text_value(&isolation, "--isolation", {"process", "none"}),
      "process: compile, run and measure each variant in a worker process that a crash or a "
      "hang cannot take the session down with (default); none: in this process (debugging)");
}

void MeasurementOptions::check(const CommandLine&) {
  if (measure.max_runs < measure.min_runs)
    throw UsageError(fmt::format("--max-runs {}: fewer than --min-runs {} (need min <= max)",
                                 measure.max_runs, measure.min_runs));
}

void TargetOptions::declare(po::options_description& options) {
  options.add_options()("kernel", text_value(&kernel, "kernel"), "the kernel: matmul or conv2d")(
      "shape",
      described_text_value(&shape, "--shape",
                           "the problem's sizes, e.g. 1024x1024x1024 for matmul, "
                           "n=8,c=64,h=56,w=56,k=128,r=3 for conv2d"),
      "the problem's sizes, e.g. 1024x1024x1024 for matmul, n=8,c=64,h=56,w=56,k=128,r=3 for "
      "conv2d (default: the kernel's)");
  if (device_options_ == Device::none) return;
  std::vector<std::string> backends = profiles::known_backends();
  if (device_options_ == Device::chosen_or_replay) backends.push_back("replay");
  options.add_options()("backend", text_value(&backend, "--backend", backends),
                        device_options_ == Device::chosen_or_replay
                            ? "cuda, opencl or replay (default: CUDA if it has a device, else "
                              "OpenCL)"
                            : "cuda or opencl (default: CUDA if it has a device, else OpenCL)")(
      "device",
      described_text_value(
          &device_text_, "--device",
          several_devices ? "a device index, a list of them or all" : "a device index"),
      several_devices ? "device index within the backend (default: its best; see ktune devices); "
                        "several search together: 0,1,2,3 or all (one model; an index repeated "
                        "opens that device again)"
                      : "device index within the backend (default: its best; see ktune devices)");
}

void TargetOptions::check(const CommandLine& line) {
  if (!device_text_.empty()) {
    const std::string accepted = several_devices
                                     ? "a device index, a comma-separated list of them, or all"
                                     : "a device index (0, 1, ...; see ktune devices)";
    if (device_text_ == "all") {
      if (!several_devices)
        throw UsageError(
            fmt::format("--device all: this command works on one device (accepted: {})", accepted));
      all_devices = true;
      device = 0;
    } else {
      std::size_t start = 0;
      while (start <= device_text_.size()) {
        auto comma = device_text_.find(',', start);
        if (comma == std::string::npos) comma = device_text_.size();
        const std::string item = device_text_.substr(start, comma - start);
        int index = -1;
        const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), index);
        if (item.empty() || ec != std::errc() || end != item.data() + item.size() || index < 0)
          throw UsageError(fmt::format("--device {}: expected {}", device_text_, accepted));
        devices.push_back(index);
        start = comma + 1;
      }
      if (devices.size() > 1 && !several_devices)
        throw UsageError(fmt::format("--device {}: this command works on one device (accepted: {})",
                                     device_text_, accepted));
      device = devices.front();
    }
  }
  if (kernel_required && kernel.empty())
    throw UsageError(fmt::format("{}: which kernel? (accepted: {}; see {} --help)", line.path(),
                                 fmt::join(
                                     [] {
                                       std::vector<std::string> names;
                                       for (const auto* f : kernels::all_families())
                                         names.push_back(f->name());
                                       return names;
                                     }(),
                                     ", "),
                                 line.path()));
}

void SpaceOptions::declare(po::options_description& options) {
  options.add_options()("set", po::value(&sets)->composing(),
                        "fix a parameter: --set BM=64 (repeatable)")(
      "restrict", po::value(&restricts)->composing(),
      "add a constraint: --restrict 'TM * TN >= 16' (repeatable)");
}

void SpaceOptions::apply(Space& space) const {
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos) throw UsageError(fmt::format("--set {}: expected NAME=VALUE", s));
    for_option("--set", [&] { space.fix(s.substr(0, eq), s.substr(eq + 1)); });
  }
  for (const auto& r : restricts)
    for_option("--restrict", [&] { space.add_constraint(r); });
}

std::map<std::string, std::string> SpaceOptions::settings() const {
  std::map<std::string, std::string> settings;
  for (std::size_t i = 0; i < sets.size(); ++i)
    settings[fmt::format("set.{}", i + 1)] = sets[i];
  for (std::size_t i = 0; i < restricts.size(); ++i)
    settings[fmt::format("restrict.{}", i + 1)] = restricts[i];
  return settings;
}

std::vector<DeviceInfo> resolve_devices(const TargetOptions& o, const profiles::Selection& chosen) {
  if (!o.all_devices && o.devices.size() < 2) return {chosen.device};
  const auto found = chosen.backend->discover().devices;
  std::vector<DeviceInfo> devices;
  if (o.all_devices) {
    devices = found;
  } else {
    for (int index : o.devices) {
      if (static_cast<std::size_t>(index) >= found.size())
        throw UsageError(fmt::format("--device {}: {} has {} device(s); accepted: 0..{}", index,
                                     chosen.backend->name(), found.size(), found.size() - 1));
      devices.push_back(found[static_cast<std::size_t>(index)]);
    }
  }
  for (const auto& d : devices)
    if (d.name != devices.front().name || d.architecture != devices.front().architecture)
      throw UsageError(fmt::format(
          "--device: device {} ({}, {}) and device {} ({}, {}) are different models: one search "
          "tunes for one model (tune each model on its own)",
          devices.front().index, devices.front().name, devices.front().architecture, d.index,
          d.name, d.architecture));
  return devices;
}

Problem parse_kernel_problem(const kernels::Family& family, const std::string& shape) {
  if (shape.empty()) return family.default_problem();
  return for_option("--shape", [&] { return family.parse_shape(shape); });
}

KernelTarget resolve_kernel(const TargetOptions& o, const SpaceOptions* space_options) {
  KernelTarget t;
  t.family = &kernels::find_family(o.kernel);
  t.problem = parse_kernel_problem(*t.family, o.shape);
  t.selection =
      for_option("--device", [&] { return profiles::select_device(o.backend, o.device); });
  profiles::check_fits(*t.family, t.problem, t.selection.device);
  t.space = t.family->space(t.problem, t.selection.device);
  if (space_options) space_options->apply(t.space);
  return t;
}

}  // namespace ktune::cli
