// ktune crossover <kernel>: the device against the CPU over a range of sizes. Per size: the best
// stored configuration (the lookup's nearest-shape rule; the default where nothing is stored),
// its time alone and with the copies in and out, the CPU baseline's, and the sizes from which the
// device wins, with and without the copies.
#include <algorithm>
#include <cctype>
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/option_groups.hpp"
#include "cli/output.hpp"
#include "cli/tune_baseline.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "db/baselines.hpp"
#include "db/crossovers.hpp"
#include "db/lookup.hpp"
#include "profiles/transfers.hpp"
#include "runtime/family_rules.hpp"

namespace ktune::cli {
namespace {

const Columns kCrossoverColumns{
    {"size", "size"},
    {"problem", "problem"},
    {"config_source", "config"},
    {"config", "configuration"},
    {"kernel_ms", "kernel ms", 4},
    {"transfer_ms", "copies ms", 4},
    {"end_to_end_ms", "end-to-end ms", 4},
    {"cpu_ms", "CPU ms", 4},
    {"speedup_kernel", "kernel vs CPU", 2},
    {"speedup_end_to_end", "end-to-end vs CPU", 2},
    {"tuned_for", "tuned for"},
    {"note", "note"},
};

std::vector<std::int64_t> parse_sizes(const std::string& text) {
  std::vector<std::int64_t> sizes;
  for (const auto& part : split(text, ',')) {
    std::int64_t n = 0;
    try {
      std::size_t used = 0;
      n = std::stoll(part, &used);
      if (used != part.size()) n = 0;
    } catch (const std::exception&) {
      n = 0;
    }
    if (n <= 0)
      throw UsageError(fmt::format(
          "--sizes {}: '{}' is not a positive size (accepted: sizes separated by commas, e.g. "
          "64,256,1024)",
          text, part));
    sizes.push_back(n);
  }
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  return sizes;
}

std::string crossover_text(std::optional<std::int64_t> size,
                           const std::vector<std::int64_t>& sizes) {
  if (size) return fmt::format("from size {}", *size);
  return fmt::format("never in {}..{}", sizes.front(), sizes.back());
}

// What the numbers mean where the "device" is the host's own CPU (PoCL).
std::string device_note(const DeviceInfo& device) {
  std::string kind = device.architecture;  // "cpu OpenCL C 1.2 PoCL"
  std::transform(kind.begin(), kind.end(), kind.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (device.backend == "opencl" && kind.rfind("cpu", 0) == 0)
    return "the OpenCL device is this machine's CPU (PoCL): this compares ktune's kernels compiled "
           "by PoCL with an optimised CPU library on the same cores, not a GPU with a CPU, and the "
           "copies are copies within host memory";
  return {};
}

}  // namespace

int run_crossover(const std::vector<std::string>& args) {
  CommandLine line("ktune crossover",
                   "ktune crossover <kernel> [--sizes N,N,...] [--backend B] [--device N] "
                   "[--db FILE] [--format table|csv|json]");
  TargetOptions target;
  profiles::MeasureOptions defaults;
  defaults.min_runs = 3;
  defaults.max_runs = 20;
  defaults.max_seconds_per_variant = 1.0;
  MeasurementOptions measurement(defaults);
  DatabaseOption database;
  FormatOption output({Format::table, Format::csv, Format::json});
  std::string sizes_text = "16,32,64,128,256,512,1024";
  std::uint64_t seed = 1;
  line.add(target);
  line.options()(
      "sizes",
      described_text_value(&sizes_text, "--sizes", "sizes separated by commas, e.g. 64,256,1024"),
      "the sizes, comma-separated (matmul: n x n x n; conv2d: the default layer on an "
      "n x n image); default: 16 to 1024, doubling")("seed", seed_value(&seed, "--seed"),
                                                     "random seed of the inputs");
  line.add(measurement);
  line.add(database);
  line.add(output);
  line.positional("kernel");
  if (!line.parse(args)) return 0;
  if (line.given("shape"))
    throw UsageError("--shape: a crossover sweeps sizes; use --sizes N,N,... instead");
  const auto sizes = parse_sizes(sizes_text);
  auto t = resolve_kernel(target);
  const auto& family = *t.family;
  std::vector<Problem> problems;
  for (auto n : sizes)
    problems.push_back(for_option("--sizes", [&] { return family.problem_of_size(n); }));

  auto store = open_for_writing(database);
  auto device = t.selection.backend->open(t.selection.device.index);
  const DeviceInfo info = device->info();
  const db::Lookup lookup(store, runtime::family_rules(family.name()));

  db::CrossoverRecord record{family.name(), info, {}, std::nullopt, std::nullopt};
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    CrossoverPoint p;
    p.size = sizes[i];
    p.problem = problems[i];
    const Space space = family.space(p.problem, info);
    db::LookupRequest request;
    request.kernel = family.name();
    request.problem = p.problem;
    request.device = info;
    const auto found = lookup.best(request);
    Config config = space.default_config();
    p.config_source = "default";
    if (found.rule != db::LookupRule::default_config && found.rule != db::LookupRule::none &&
        !found.config.empty()) {
      try {
        config = space.parse_config(found.config);
        p.config_source = "stored";
        if (found.source) p.tuned_for = found.source->problem.canonical();
      } catch (const UsageError&) {
        config = space.default_config();
      }
    }
    p.config = space.canonical(config);

    // The CPU first, then the device, so that neither disturbs the other's timing.
    const auto baseline = cpu_baseline_for(family, p.problem, store, seed);
    if (baseline.run) {
      p.cpu_ms = baseline.run->result.time.median;
      if (baseline.run->stored_id) {
        p.cpu_baseline_id = baseline.run->stored_id;
      } else {
        const auto& r = baseline.run->result;
        db::StoredCpuBaseline b;
        b.method = r.method;
        b.library = r.library;
        b.libraries = baseline.run->libraries;
        b.threads = r.threads;
        b.samples_ms = r.samples_ms;
        b.gflops = r.gflops;
        p.cpu_baseline_id = db::insert_cpu_baseline(store, p.problem, b);
      }
    } else {
      p.note = baseline.skipped;
    }
    const auto transfers =
        profiles::measure_transfers(*device, profiles::transfer_sizes(family, p.problem));
    p.transfer_ms = round_trip_ms(transfers, HostMemory::pageable);

    auto measure = measurement.measure;
    measure.seed = seed;
    measure.profile = false;
    const auto evaluation = [&] {
      profiles::KernelEvaluator evaluator(family, p.problem, space, *device, measure);
      return evaluator.evaluate(config);
    }();
    if (auto ms = evaluation.objective_ms())
      p.kernel_ms = *ms;
    else
      p.note = fmt::format("{}: {}", to_string(evaluation.outcome), evaluation.message);
    std::cerr << fmt::format("size {}: {}\n", p.size,
                             p.kernel_ms ? fmt::format("{:.4f} ms", *p.kernel_ms) : p.note);
    record.points.push_back(std::move(p));
  }
  record.kernel_crossover = crossover_size(record.points, false);
  record.end_to_end_crossover = crossover_size(record.points, true);
  const auto id = db::record_crossover(store, record);

  Json rows = Json::array();
  for (const auto& p : record.points)
    rows.push_back(p);
  const std::string note = device_note(info);
  if (output.format == Format::json) {
    print_json(std::cout, Json{{"kernel", family.name()},
                               {"device", info},
                               {"crossover_id", id},
                               {"database", store.path()},
                               {"points", rows},
                               {"kernel_crossover", optional_json(record.kernel_crossover)},
                               {"end_to_end_crossover", optional_json(record.end_to_end_crossover)},
                               {"device_note", note.empty() ? Json(nullptr) : Json(note)}});
    return 0;
  }
  if (output.format == Format::csv) {
    print_csv(std::cout, kCrossoverColumns, rows);
    return 0;
  }
  std::cout << fmt::format("{} on {} ({} #{}) against the CPU baseline\n", family.name(), info.name,
                           info.backend, info.index);
  print_table(std::cout, kCrossoverColumns, rows);
  std::cout << fmt::format("the kernel alone beats the CPU: {}\n",
                           crossover_text(record.kernel_crossover, sizes));
  std::cout << fmt::format("with the copies in and out:    {}\n",
                           crossover_text(record.end_to_end_crossover, sizes));
  if (!note.empty()) std::cout << "note: " << note << '\n';
  std::cout << fmt::format("stored as crossover {} in {}\n", id, store.path());
  return 0;
}

}  // namespace ktune::cli
