// ktune tune <kernel>: tunes a kernel family for one problem on one device, storing every
// evaluation in the results database as it happens.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/table.hpp"
#include "core/error.hpp"
#include "db/paths.hpp"
#include "db/store.hpp"
#include "kernels/family.hpp"
#include "profiles/backends.hpp"
#include "profiles/kernel_evaluator.hpp"
#include "tuner/session.hpp"
#include "tuner/strategy.hpp"

namespace ktune::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_interrupt(int) {
  g_stop.store(true);
}

struct TuneOptions {
  std::string kernel, shape, backend, db, format = "table", strategy = "exhaustive";
  int device = -1;
  std::uint64_t seed = 1;
  std::size_t budget_evals = 0;
  double budget_time = 0;
  std::vector<std::string> sets, restricts;
  profiles::MeasureOptions measure;
};

nlohmann::json config_json(const tuner::Space& space, const tuner::Config& config) {
  nlohmann::json j = nlohmann::json::object();
  for (std::size_t i = 0; i < space.params().size(); ++i) {
    const auto& p = space.params()[i];
    if (p.kind == tuner::Param::Kind::choice)
      j[p.name] = p.format(config.values[i]);
    else
      j[p.name] = config.values[i];
  }
  return j;
}

nlohmann::json optional_json(std::optional<double> value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

double gflops(double flops, double ms) {
  return flops / (ms * 1e-3) / 1e9;
}

void print_json(const TuneOptions& o, const kernels::Family& family, const Problem& problem,
                const DeviceInfo& device, const tuner::Space& space, std::size_t space_size,
                const tuner::TuneResult& result, std::int64_t session_id,
                const std::string& db_path) {
  nlohmann::json evaluations = nlohmann::json::array();
  for (const auto& e : result.evaluations) {
    const auto& ev = e.evaluation;
    evaluations.push_back(
        {{"index", e.index},
         {"config", config_json(space, e.config)},
         {"objective_ms", optional_json(ev.objective_ms())},
         {"outcome", to_string(ev.outcome)},
         {"message", ev.message},
         {"samples", ev.samples_ms.size()},
         {"ci_ms",
          ev.time.count ? nlohmann::json{ev.time.ci_low, ev.time.ci_high} : nlohmann::json()},
         {"compile_ms", ev.compile_ms},
         {"max_error", ev.max_error && std::isfinite(*ev.max_error) ? nlohmann::json(*ev.max_error)
                                                                    : nlohmann::json()}});
  }
  nlohmann::json doc;
  doc["session"] = {{"id", session_id},
                    {"database", db_path},
                    {"kernel", family.name()},
                    {"problem", problem.canonical()},
                    {"backend", device.backend},
                    {"device", device.name},
                    {"strategy", o.strategy},
                    {"seed", o.seed},
                    {"space_size", space_size},
                    {"evaluations", result.evaluations.size()},
                    {"stop_reason", result.stop_reason},
                    {"elapsed_s", result.elapsed_seconds}};
  doc["evaluations"] = evaluations;
  if (result.best) {
    const auto& b = result.evaluations[*result.best];
    const double ms = *b.evaluation.objective_ms();
    doc["best"] = {{"index", b.index},
                   {"config", config_json(space, b.config)},
                   {"canonical", space.canonical(b.config)},
                   {"objective_ms", ms},
                   {"ci_ms", {b.evaluation.time.ci_low, b.evaluation.time.ci_high}},
                   {"gflops", gflops(family.flops(problem), ms)},
                   {"speedup_over_default", optional_json(result.speedup_over_default())}};
  } else {
    doc["best"] = nullptr;
  }
  std::cout << doc.dump(2) << '\n';
}

void print_table(const kernels::Family& family, const Problem& problem, const DeviceInfo& device,
                 const tuner::Space& space, std::size_t space_size, const tuner::TuneResult& result,
                 std::int64_t session_id, const std::string& db_path) {
  std::vector<const tuner::EvaluatedConfig*> correct;
  std::map<std::string, int> failures;
  for (const auto& e : result.evaluations) {
    if (e.evaluation.ok())
      correct.push_back(&e);
    else
      ++failures[std::string(to_string(e.evaluation.outcome))];
  }
  std::sort(correct.begin(), correct.end(), [](auto* a, auto* b) {
    return *a->evaluation.objective_ms() < *b->evaluation.objective_ms();
  });
  std::cout << fmt::format("{} {} on {} ({} #{}): {} of {} configurations evaluated ({})\n",
                           family.name(), problem.canonical(), device.name, device.backend,
                           device.index, result.evaluations.size(), space_size, result.stop_reason);
  Table table({"rank", "configuration", "median ms", "95% CI ms", "GFLOP/s", "runs"});
  const double flops = family.flops(problem);
  for (std::size_t i = 0; i < correct.size() && i < 10; ++i) {
    const auto& ev = correct[i]->evaluation;
    table.add({std::to_string(i + 1), space.canonical(correct[i]->config),
               fmt::format("{:.4f}", ev.time.median),
               fmt::format("{:.4f}-{:.4f}", ev.time.ci_low, ev.time.ci_high),
               fmt::format("{:.2f}", gflops(flops, ev.time.median)),
               std::to_string(ev.samples_ms.size())});
  }
  table.print(std::cout);
  for (const auto& [outcome, count] : failures)
    std::cout << fmt::format("{} variant(s) {}\n", count, outcome);
  if (result.best) {
    const auto& b = result.evaluations[*result.best];
    std::cout << fmt::format("best: {}  {:.4f} ms  {:.2f} GFLOP/s", space.canonical(b.config),
                             *b.evaluation.objective_ms(),
                             gflops(flops, *b.evaluation.objective_ms()));
    if (auto s = result.speedup_over_default())
      std::cout << fmt::format("  {:.2f}x over the default ({})", *s,
                               space.canonical(space.default_config()));
    std::cout << '\n';
  } else {
    std::cout << "no configuration ran correctly\n";
  }
  std::cout << fmt::format("stored as session {} in {}\n", session_id, db_path);
}

}  // namespace

int run_tune(const std::vector<std::string>& args) {
  TuneOptions o;
  po::options_description options("Options");
  options.add_options()("kernel", po::value(&o.kernel), "kernel family to tune (matmul)")(
      "shape", po::value(&o.shape),
      "problem shape, e.g. 1024x1024x1024 for matmul (default: the family's)")(
      "backend", po::value(&o.backend),
      "cuda or opencl (default: CUDA if it has a device, else OpenCL)")(
      "device", po::value(&o.device), "device index within the backend (see ktune devices)")(
      "db", po::value(&o.db),
      "results database (default: $KTUNE_DB, else $XDG_DATA_HOME/ktune/ktune.db)")(
      "format", po::value(&o.format)->default_value("table"), "table or json")(
      "strategy", po::value(&o.strategy)->default_value("exhaustive"), "search strategy")(
      "seed", po::value(&o.seed)->default_value(1), "random seed (inputs and strategy)")(
      "budget-evals", po::value(&o.budget_evals), "stop after this many evaluated configurations")(
      "budget-time", po::value(&o.budget_time), "stop after this many seconds")(
      "set", po::value(&o.sets)->composing(), "fix a parameter: --set TS=16 (repeatable)")(
      "restrict", po::value(&o.restricts)->composing(),
      "add a constraint: --restrict 'TS >= 16' (repeatable)")(
      "min-runs", po::value(&o.measure.min_runs)->default_value(5),
      "timed runs per variant, at least")("max-runs",
                                          po::value(&o.measure.max_runs)->default_value(100),
                                          "timed runs per variant, at most")(
      "target-ci", po::value(&o.measure.target_relative_ci)->default_value(0.05),
      "stop repeating when the 95% CI of the median is this narrow (relative)")(
      "timeout", po::value(&o.measure.timeout_ms)->default_value(10000),
      "a run over this many ms is a timeout")(
      "prune", po::value<std::string>()->notifier([&o](const std::string& t) {
        o.measure.prune = profiles::PruneRules::parse(t);
      }),
      "skip variants after compiling (CUDA): spills, occupancy<X, registers>N, stack>N, "
      "shared>N; comma-separated, e.g. spills,occupancy<0.25");
  add_help(options);
  po::positional_options_description positional;
  positional.add("kernel", 1);
  auto vm = parse(
      "tune", "ktune tune <kernel> [--shape S] [--backend B] [--device N] [--db FILE] [options]",
      options, args, &positional);
  if (!vm) return 0;
  if (o.kernel.empty())
    throw UsageError("ktune tune: which kernel? (e.g. ktune tune matmul; see ktune tune --help)");
  const Format format = parse_format(o.format, {Format::table, Format::json});
  if (vm->count("budget-evals") && o.budget_evals == 0)
    throw UsageError("--budget-evals: must be at least 1");
  if (vm->count("budget-time") && !(o.budget_time > 0))
    throw UsageError("--budget-time: must be a positive number of seconds");
  if (o.measure.min_runs < 1 || o.measure.max_runs < o.measure.min_runs)
    throw UsageError("--min-runs/--max-runs: need 1 <= min-runs <= max-runs");
  if (!(o.measure.timeout_ms > 0))
    throw UsageError("--timeout: must be a positive number of milliseconds");
  o.measure.seed = o.seed;

  const auto& family = kernels::find_family(o.kernel);
  const Problem problem = o.shape.empty() ? family.default_problem() : family.parse_shape(o.shape);
  auto selection = profiles::select_device(o.backend, o.device);
  profiles::check_fits(family, problem, selection.device);

  tuner::Space space = family.space(problem, selection.device);
  for (const auto& s : o.sets) {
    auto eq = s.find('=');
    if (eq == std::string::npos) throw UsageError(fmt::format("--set {}: expected NAME=VALUE", s));
    space.fix(s.substr(0, eq), s.substr(eq + 1));
  }
  for (const auto& r : o.restricts)
    space.add_constraint(r);
  const auto valid = space.enumerate();
  if (valid.empty())
    throw UsageError("no configuration satisfies the constraints (check --set and --restrict)");
  auto strategy = tuner::make_strategy(o.strategy, space, valid, o.seed);

  const auto db_path = db::database_path(o.db);
  auto store = db::Store::open(db_path, db::is_default_location(o.db));

  auto device = selection.backend->open(selection.device.index);
  profiles::KernelEvaluator evaluator(family, problem, space, *device, o.measure);

  const auto session_id = store.begin_session(
      {family.name(), problem, device->info(), strategy->name(), o.seed, KTUNE_VERSION});
  std::signal(SIGINT, on_interrupt);
  const bool live = isatty(STDERR_FILENO) != 0;
  tuner::Budget budget;
  if (o.budget_evals) budget.evaluations = o.budget_evals;
  if (o.budget_time > 0) budget.seconds = o.budget_time;

  tuner::Session session(space, evaluator, *strategy, &store, session_id);
  tuner::TuneResult result;
  try {
    result = session.run(
        budget, valid.size(), &g_stop, [&](const tuner::TuneResult& r, std::size_t total) {
          if (!live) return;
          std::string best = "none yet";
          if (r.best)
            best = fmt::format("{:.4f} ms ({})", *r.evaluations[*r.best].evaluation.objective_ms(),
                               space.canonical(r.evaluations[*r.best].config));
          std::cerr << fmt::format("\r\033[K[{}/{}] best {}", r.evaluations.size(), total, best)
                    << std::flush;
        });
  } catch (...) {
    store.end_session(session_id, "failed");
    throw;
  }
  if (live) std::cerr << "\r\033[K";
  store.end_session(session_id, result.interrupted ? "interrupted" : "completed");

  if (format == Format::json)
    print_json(o, family, problem, device->info(), space, valid.size(), result, session_id,
               db_path.string());
  else
    print_table(family, problem, device->info(), space, valid.size(), result, session_id,
                db_path.string());
  return result.interrupted ? 130 : 0;
}

}  // namespace ktune::cli
