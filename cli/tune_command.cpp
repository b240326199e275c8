// ktune tune <kernel>: tunes a kernel family for one problem on one device, or replays a search
// recorded on a GPU (--backend replay --dataset FILE), storing every evaluation in the results
// database as it happens. Sessions resume after an interruption (--resume) and split over
// machines (--shard); the winner is re-measured against the runners-up before it is reported.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/options.hpp"
#include "cli/tune_report.hpp"
#include "cli/tune_resume.hpp"
#include "cli/tune_target.hpp"
#include "core/error.hpp"
#include "db/paths.hpp"
#include "db/store.hpp"
#include "kernels/family.hpp"
#include "profiles/backends.hpp"
#include "profiles/kernel_evaluator.hpp"
#include "profiles/replay/dataset_reader.hpp"
#include "profiles/replay/replay_evaluator.hpp"
#include "tuner/finalists.hpp"
#include "tuner/session.hpp"
#include "tuner/shard.hpp"
#include "tuner/strategy.hpp"

namespace ktune::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_interrupt(int) {
  g_stop.store(true);
}

po::options_description describe(TuneOptions& o) {
  po::options_description options("Options");
  options.add_options()("kernel", po::value(&o.kernel), "kernel family to tune: matmul or conv2d")(
      "shape", po::value(&o.shape),
      "problem shape, e.g. 1024x1024x1024 for matmul, n=8,c=64,h=56,w=56,k=128,r=3 for conv2d "
      "(default: the family's)")(
      "backend", po::value(&o.backend),
      "cuda, opencl or replay (default: CUDA if it has a device, else OpenCL)")(
      "device", po::value(&o.device), "device index within the backend (see ktune devices)")(
      "dataset", po::value(&o.dataset),
      "replay this recorded search (Kernel Tuner cache or T4 file, gzip or plain; implies "
      "--backend replay): evaluations cost the recorded times")(
      "db", po::value(&o.db),
      "results database (default: $KTUNE_DB, else $XDG_DATA_HOME/ktune/ktune.db)")(
      "format", po::value(&o.format)->default_value("table"), "table or json")(
      "strategy", po::value(&o.strategy)->default_value("auto"),
      ("search strategy: " + tuner::strategy_help()).c_str())(
      "seed", po::value(&o.seed)->default_value(1),
      "random seed (inputs and strategy); a seed gives the same search")(
      "budget-evals", po::value(&o.budget_evals),
      "stop after this many configurations evaluated (default: no limit)")(
      "budget-time", po::value(&o.budget_time)->default_value(kDefaultBudgetSeconds),
      "stop starting new configurations after this many seconds of tuning (simulated in a "
      "replay); the default keeps `ktune tune matmul` (1024^3 on PoCL) to about 5 minutes "
      "with the finalists' re-measurement")(
      "stagnation", po::value(&o.stagnation),
      "stop after this many evaluations in a row without a better configuration")(
      "exhaustive", po::bool_switch(&o.exhaustive),
      "evaluate every configuration, ignoring the budgets (--strategy exhaustive alone keeps "
      "them)")("resume", po::value(&o.resume)->implicit_value("latest"),
               "continue a stopped session without measuring anything again: the latest "
               "unfinished one that matches the kernel, problem, device, strategy and seed, or "
               "--resume ID; repeat the original --set/--restrict/--shard; budgets count the "
               "whole session")(
      "shard", po::value(&o.shard),
      "tune only part i of N of the space (0 <= i < N), e.g. --shard $SLURM_ARRAY_TASK_ID/4: "
      "the N parts are disjoint and cover the space")(
      "finalists", po::value(&o.finalists.count)->default_value(3),
      "re-measure this many best configurations interleaved at the end (0: none)")(
      "finalist-rounds", po::value(&o.finalists.rounds)->default_value(5),
      "rounds of the interleaved re-measurement (3 runs of each finalist a round)")(
      "replay-pace", po::value(&o.replay_pace)->default_value(0),
      "replay: sleep this fraction of each evaluation's recorded cost (1: in real time)")(
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
      "shared>N; comma-separated, e.g. spills,occupancy<0.25")(
      "timer", po::value(&o.timer)->default_value("events"),
      "events (CUDA/OpenCL events) or cupti (CUDA: kernel timestamps from the Activity API)")(
      "no-counters", po::bool_switch(&o.no_counters),
      "skip the profiled run after timing (CUDA: CUPTI counters; see docs/PROFILING.md)")(
      "flops", po::bool_switch(&o.measure.counters.flop_counts),
      "count FP instructions in the profiled run (CUDA: one more pass)");
  add_help(options);
  return options;
}

void validate(const TuneOptions& o, const po::variables_map& vm) {
  if (!o.dataset.empty() && !o.backend.empty() && o.backend != "replay")
    throw UsageError(
        fmt::format("--dataset replays a recorded search: it cannot be combined with "
                    "--backend {} (use --backend replay, or leave it out)",
                    o.backend));
  const bool replay = o.backend == "replay" || !o.dataset.empty();
  if (replay) {
    if (o.dataset.empty())
      throw UsageError("--backend replay needs --dataset FILE (a Kernel Tuner cache or T4 file)");
    for (const char* option : {"kernel", "shape", "device"})
      if (vm.count(option))
        throw UsageError(fmt::format(
            "{}{}: a replay's kernel, problem and device are the recorded ones (drop it)",
            std::string(option) == "kernel" ? "" : "--",
            std::string(option) == "kernel" ? o.kernel : option));
  } else if (o.kernel.empty()) {
    throw UsageError(
        "ktune tune: which kernel? (e.g. ktune tune matmul, or ktune tune --dataset FILE; see "
        "ktune tune --help)");
  }
  if (vm.count("budget-evals") && o.budget_evals == 0)
    throw UsageError("--budget-evals: must be at least 1");
  if (!(o.budget_time > 0)) throw UsageError("--budget-time: must be a positive number of seconds");
  if (vm.count("stagnation") && o.stagnation == 0)
    throw UsageError("--stagnation: must be at least 1 evaluation");
  if (o.exhaustive) {
    if (!vm["strategy"].defaulted() && o.strategy != "exhaustive")
      throw UsageError(
          fmt::format("--exhaustive evaluates every configuration: it cannot be "
                      "combined with --strategy {}",
                      o.strategy));
    for (const char* option : {"budget-evals", "budget-time", "stagnation"})
      if (vm.count(option) && !vm[option].defaulted())
        throw UsageError(fmt::format(
            "--exhaustive ignores budgets: drop --{} (or use --strategy exhaustive with it)",
            option));
  }
  if (o.finalists.rounds < 1) throw UsageError("--finalist-rounds: must be at least 1");
  if (!(o.replay_pace >= 0) || (o.replay_pace > 0 && !replay))
    throw UsageError("--replay-pace: a number >= 0, for replays (--dataset) only");
  if (o.measure.min_runs < 1 || o.measure.max_runs < o.measure.min_runs)
    throw UsageError("--min-runs/--max-runs: need 1 <= min-runs <= max-runs");
  if (!(o.measure.timeout_ms > 0))
    throw UsageError("--timeout: must be a positive number of milliseconds");
  if (o.timer != "events" && o.timer != "cupti")
    throw UsageError(fmt::format("--timer {}: unknown timer (accepted: events, cupti)", o.timer));
  if (replay && o.timer != "events")
    throw UsageError("--timer: a replay's times are the recorded ones (drop it)");
}

// The kernel and problem, the device (not opened yet) and the space, without --set/--restrict.
void describe_target(const TuneOptions& o, Target& t) {
  if (!o.dataset.empty()) {
    t.dataset = profiles::replay::read_dataset(o.dataset);
    t.space = profiles::replay::dataset_space(t.dataset);
    t.problem = profiles::replay::dataset_problem(t.dataset);
    t.kernel = t.problem.family;
    t.device = profiles::replay::ReplayEvaluator(t.dataset).device();
    return;
  }
  t.family = &kernels::find_family(o.kernel);
  t.kernel = t.family->name();
  t.problem = o.shape.empty() ? t.family->default_problem() : t.family->parse_shape(o.shape);
  t.selection = profiles::select_device(o.backend, o.device);
  profiles::check_fits(*t.family, t.problem, t.selection.device);
  t.device = t.selection.device;
  t.space = t.family->space(t.problem, t.selection.device);
}

// Opens the device (kernels) and creates the evaluator.
void open_evaluator(const TuneOptions& o, Target& t) {
  if (t.replay()) {
    auto replay = std::make_unique<profiles::replay::ReplayEvaluator>(t.dataset);
    replay->set_pace(o.replay_pace);
    t.replayer = replay.get();
    t.evaluator = std::move(replay);
    return;
  }
  t.opened = t.selection.backend->open(t.selection.device.index);
  if (auto warning = t.opened->set_timer(o.timer); !warning.empty())
    std::cerr << "ktune: warning: " << warning << '\n';
  t.device = t.opened->info();
  t.evaluator = std::make_unique<profiles::KernelEvaluator>(*t.family, t.problem, t.space,
                                                            *t.opened, o.measure);
}

}  // namespace

int run_tune(const std::vector<std::string>& args) {
  TuneOptions o;
  const auto options = describe(o);
  po::positional_options_description positional;
  positional.add("kernel", 1);
  auto vm = parse("tune",
                  "ktune tune <kernel> [--shape S] [--backend B] [--device N] [--db FILE] "
                  "[options]\n       ktune tune --dataset FILE [options]   (replay a recorded "
                  "search)",
                  options, args, &positional);
  if (!vm) return 0;
  validate(o, *vm);
  const Format format = parse_format(o.format, {Format::table, Format::json});
  std::optional<tuner::Shard> shard;
  if (vm->count("shard")) shard = tuner::parse_shard(o.shard);
  if (o.exhaustive) o.strategy = "exhaustive";
  tuner::require_strategy(o.strategy);

  Target target;
  describe_target(o, target);
  for (const auto& s : o.sets) {
    auto eq = s.find('=');
    if (eq == std::string::npos) throw UsageError(fmt::format("--set {}: expected NAME=VALUE", s));
    target.space.fix(s.substr(0, eq), s.substr(eq + 1));
  }
  for (const auto& r : o.restricts)
    target.space.add_constraint(r);
  auto valid = target.space.enumerate();
  if (valid.empty())
    throw UsageError("no configuration satisfies the constraints (check --set and --restrict)");
  if (shard) {
    valid = tuner::shard_of(target.space, valid, *shard);
    if (valid.empty())
      throw UsageError(
          fmt::format("--shard {}: this part of the space is empty (the space has "
                      "fewer configurations than shards)",
                      o.shard));
    target.space.restrict_to(valid);
  }

  const auto db_path = db::database_path(o.db);
  auto store = db::Store::open(db_path, db::is_default_location(o.db));
  std::optional<db::StoredSession> resumed;
  if (vm->count("resume")) resumed = session_to_resume(store, db_path.string(), o, *vm, target);
  o.measure.seed = o.seed;
  o.measure.profile = !o.no_counters;

  tuner::Budget budget;
  if (!o.exhaustive) {
    if (o.budget_evals) budget.evaluations = o.budget_evals;
    budget.seconds = o.budget_time;
    if (o.stagnation) budget.stagnation = o.stagnation;
  }

  open_evaluator(o, target);
  auto strategy = tuner::make_strategy(o.strategy, target.space, valid, o.seed);
  std::vector<std::pair<Config, Evaluation>> stored;
  std::int64_t session_id = 0;
  if (resumed) {
    stored = stored_evaluations(store, *resumed, target);
    session_id = resumed->id;
    store.reopen_session(session_id);
  } else {
    db::SessionRecord record{target.kernel, target.problem, target.device,
                             o.strategy,    o.seed,         KTUNE_VERSION};
    if (budget.evaluations) record.budget_evaluations = *budget.evaluations;
    record.budget_seconds = budget.seconds;
    record.space_size = valid.size();
    record.command = "ktune tune";
    for (const auto& a : args)
      record.command += " " + a;
    record.settings = {{"min_runs", std::to_string(o.measure.min_runs)},
                       {"max_runs", std::to_string(o.measure.max_runs)},
                       {"target_ci", fmt::format("{}", o.measure.target_relative_ci)},
                       {"timeout_ms", fmt::format("{}", o.measure.timeout_ms)}};
    record.settings.merge(space_settings(o));
    if (target.replay()) record.settings["dataset"] = o.dataset;
    if (budget.stagnation) record.settings["stagnation"] = std::to_string(*budget.stagnation);
    if (target.family) {
      try {  // the kernel source, as compiled (the defines differ per configuration)
        record.source_hash = db::hash_text(
            target.family->plan(target.space, target.space.default_config(), target.problem)
                .source.code);
      } catch (const std::exception&) {
        record.source_hash.clear();
      }
    }
    session_id = store.begin_session(record);
  }

  std::signal(SIGINT, on_interrupt);
  const bool live = isatty(STDERR_FILENO) != 0;
  std::size_t width = 100;
  if (winsize size{}; live && ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20)
    width = size.ws_col;
  tuner::SessionOptions session_options;
  session_options.evaluate_default_first = !target.replay();
  session_options.simulated_time = target.replay();
  tuner::Session session(target.space, *target.evaluator, *strategy, &store, session_id,
                         session_options);
  session.resume(std::move(stored));
  tuner::TuneResult result;
  bool counters_warned = false;  // once: why CUDA counters are unavailable and how to fix it
  try {
    result = session.run(
        budget, valid.size(), &g_stop, [&](const tuner::TuneResult& r, std::size_t total) {
          if (!counters_warned && target.opened && o.measure.profile &&
              target.opened->info().backend == "cuda") {
            if (auto why = target.opened->counters_problem(); !why.empty()) {
              std::cerr << (live ? "\r\033[K" : "") << "ktune: warning: " << why << '\n';
              counters_warned = true;
            }
          }
          if (!live) return;
          std::string best = "none yet";
          if (r.best)
            best = fmt::format("{:.4f} ms ({})", *r.evaluations[*r.best].evaluation.objective_ms(),
                               target.space.canonical(r.evaluations[*r.best].config));
          const auto eta = eta_seconds(r, total, budget);
          std::string line =
              fmt::format("[{}/{}] {}{} elapsed, ETA {} | best {}", r.evaluations.size(), total,
                          duration(r.elapsed_seconds), target.replay() ? " simulated" : "",
                          eta ? duration(*eta) : std::string("?"), best);
          // One line that \r can overwrite: no wider than the terminal.
          if (line.size() >= width) line.resize(width - 1);
          std::cerr << "\r\033[K" << line << std::flush;
        });
  } catch (...) {
    store.end_session(session_id, "failed");
    throw;
  }
  if (live) std::cerr << "\r\033[K";
  store.end_session(session_id, result.interrupted ? "interrupted" : "completed");

  tuner::Verdict verdict;
  if (result.interrupted) {
    verdict.winner = result.best;  // no re-measurement when the user asked to stop
  } else {
    if (live && o.finalists.count > 1 && !target.replay())
      std::cerr << "re-measuring the finalists..." << std::flush;
    verdict = tuner::choose_winner(result, *target.evaluator, o.finalists, &g_stop);
    if (live) std::cerr << "\r\033[K";
  }

  const Report report{o,      target,  valid.size(), shard,           budget,
                      result, verdict, session_id,   db_path.string()};
  if (format == Format::json)
    print_json(report);
  else
    print_table(report);
  return result.interrupted ? 130 : 0;
}

}  // namespace ktune::cli
