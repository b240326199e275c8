// ktune tune <kernel>: tunes a kernel for one problem on one device, or replays a search
// recorded on a GPU (--dataset FILE), storing every evaluation in the results database as it
// happens. Sessions resume after an interruption (--resume) and split over machines (--shard);
// the winner is re-measured against the runners-up before it is reported.
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/kernel_evaluation.hpp"
#include "cli/pause_point.hpp"
#include "cli/shape_list.hpp"
#include "cli/tune_baseline.hpp"
#include "cli/tune_report.hpp"
#include "cli/tune_resume.hpp"
#include "cli/tune_target.hpp"
#include "core/error.hpp"
#include "core/utf8.hpp"
#include "db/baselines.hpp"
#include "db/json.hpp"
#include "db/lookup.hpp"
#include "db/session_recorder.hpp"
#include "db/transfers.hpp"
#include "kernels/family.hpp"
#include "profiles/replay/dataset_reader.hpp"
#include "profiles/transfers.hpp"
#include "runtime/family_rules.hpp"
#include "tuner/shard.hpp"
#include "tuner/strategy.hpp"
#include "tuner/tuning.hpp"

namespace ktune::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_interrupt(int) {
  g_stop.store(true);
}

void declare(CommandLine& line, TuneOptions& o) {
  o.target.kernel_required = false;  // a replay has none: validate() checks it
  o.target.several_devices = true;
  line.add(o.target);
  line.options()("dataset", path_value(&o.dataset, "--dataset"),
                 "replay this recorded search (Kernel Tuner cache or T4 file, gzip or plain; "
                 "implies --backend replay): evaluations cost the recorded times")(
      "strategy", text_value(&o.strategy, "--strategy", tuner::strategy_names()),
      ("search strategy: " + tuner::strategy_help()).c_str())(
      "seed", seed_value(&o.seed, "--seed"),
      "random seed (inputs and strategy); a seed gives the same search")(
      "budget-evals",
      integer_value(&o.budget_evals, "--budget-evals", std::size_t{1}, std::size_t{1} << 40,
                    no_default),
      "stop after this many configurations evaluated (alone, it replaces the default time "
      "budget)")("budget-time", real_value(&o.budget_time, "--budget-time", 0),
                 "stop starting new configurations after this many seconds of tuning (simulated "
                 "in a replay); the default keeps `ktune tune matmul` (1024^3 on PoCL) to "
                 "about 5 minutes with the finalists' re-measurement, and applies when no "
                 "other budget is given")(
      "stagnation",
      integer_value(&o.stagnation, "--stagnation", std::size_t{1}, std::size_t{1} << 40,
                    no_default),
      "stop after this many evaluations in a row without a better configuration")(
      "exhaustive", po::bool_switch(&o.exhaustive),
      "evaluate every configuration, ignoring the budgets (--strategy exhaustive alone keeps "
      "them)")("resume", po::value(&o.resume)->implicit_value("latest"),
               "continue a stopped session without measuring anything again: the latest "
               "unfinished one that matches the kernel, problem, device, strategy and seed, or "
               "--resume ID; repeat the original --set/--restrict/--shard; budgets count the "
               "whole session")(
      "shard", text_value(&o.shard, "--shard"),
      "tune only part i of N of the space (0 <= i < N), e.g. --shard $SLURM_ARRAY_TASK_ID/4: "
      "the N parts are disjoint and cover the space; with --shapes, part i of N of the list "
      "instead (shape k when k mod N = i), each shape's whole space")(
      "finalists", integer_value(&o.finalists.count, "--finalists", std::size_t{0}),
      "re-measure this many best configurations interleaved at the end (0: none)")(
      "finalist-rounds", integer_value(&o.finalists.rounds, "--finalist-rounds", 1),
      "rounds of the interleaved re-measurement (3 runs of each finalist a round)")(
      "replay-pace", real_value(&o.replay_pace, "--replay-pace", 0, true),
      "replay: sleep this fraction of each evaluation's recorded cost (1: in real time)")(
      "prune", text_value(&o.prune, "--prune"),
      "skip variants after compiling (CUDA): spills, occupancy<X, registers>N, stack>N, "
      "shared>N; comma-separated, e.g. spills,occupancy<0.25")(
      "no-counters", po::bool_switch(&o.no_counters),
      "skip the profiled run after timing (CUDA: CUPTI counters; see docs/PROFILING.md)")(
      "flops", po::bool_switch(&o.flops),
      "count FP instructions in the profiled run (CUDA: one more pass)")(
      "no-baseline", po::bool_switch(&o.no_baseline),
      "skip the CPU baseline (by default measured once per problem and host, all cores, and "
      "reused from the database)");
  line.add(o.shapes);
  line.add(o.space);
  line.add(o.measurement);
  line.add(o.database);
  line.add(o.output);
  line.positional("kernel");
}

void validate(TuneOptions& o, const CommandLine& line) {
  if (o.target.backend == "replay" && o.dataset.empty())
    throw UsageError("--backend replay needs --dataset FILE (a Kernel Tuner cache or T4 file)");
  if (o.replay()) {
    if (!o.target.backend.empty() && o.target.backend != "replay")
      throw UsageError(
          fmt::format("--dataset replays a recorded search: it cannot be combined with "
                      "--backend {} (use --backend replay, or leave it out)",
                      o.target.backend));
    if (line.given("kernel"))
      throw UsageError(
          fmt::format("{}: a replay's kernel, problem and device are the recorded ones (drop it)",
                      o.target.kernel));
    if (line.given("device") && (o.target.all_devices || o.target.devices.size() < 2))
      throw UsageError(
          "--device: a replay's device is the recorded one; a list (--device 0,1,2,3) replays "
          "the search on that many simulated devices");
    for (const char* option : {"shape"})
      if (line.given(option))
        throw UsageError(fmt::format(
            "--{}: a replay's kernel, problem and device are the recorded ones (drop it)", option));
    if (line.given("timer"))
      throw UsageError("--timer: a replay's times are the recorded ones (drop it)");
  } else if (o.target.kernel.empty()) {
    throw UsageError(
        "ktune tune: which kernel? (e.g. ktune tune matmul, or ktune tune --dataset FILE; see "
        "ktune tune --help)");
  }
  if (o.exhaustive) {
    if (line.given("strategy") && o.strategy != "exhaustive")
      throw UsageError(
          fmt::format("--exhaustive evaluates every configuration: it cannot be "
                      "combined with --strategy {}",
                      o.strategy));
    for (const char* option : {"budget-evals", "budget-time", "stagnation"})
      if (line.given(option))
        throw UsageError(fmt::format(
            "--exhaustive ignores budgets: drop --{} (or use --strategy exhaustive with it)",
            option));
    o.strategy = "exhaustive";
  }
  if (o.shapes.given()) {
    if (o.replay()) throw UsageError("--shapes: for kernels, not replays (drop --dataset)");
    if (line.given("shape"))
      throw UsageError("--shapes lists the shapes: drop --shape (or put it in the list's file)");
    if (line.given("resume") && o.resume != "latest")
      throw UsageError(
          "--shapes: resume with --resume alone (each shape continues its own latest session)");
  }
  if (o.replay_pace > 0 && !o.replay())
    throw UsageError("--replay-pace: for replays (--dataset) only");
}

// A budget given on the command line replaces the default time budget.
tuner::Budget budget_of(const TuneOptions& o, const CommandLine& line) {
  tuner::Budget budget;
  if (o.exhaustive) return budget;
  if (line.given("budget-evals")) budget.evaluations = o.budget_evals;
  if (line.given("stagnation")) budget.stagnation = o.stagnation;
  const bool other_budget = budget.evaluations || budget.stagnation;
  if (line.given("budget-time") || !other_budget) budget.seconds = o.budget_time;
  return budget;
}

// The kernel and problem, the device (not opened yet) and the space with --set/--restrict.
void describe_target(const TuneOptions& o, Target& t) {
  if (o.replay()) {
    t.dataset = profiles::replay::read_dataset(o.dataset);
    t.space = profiles::replay::dataset_space(t.dataset);
    t.problem = profiles::replay::dataset_problem(t.dataset);
    t.kernel = t.problem.kernel;
    t.device = profiles::replay::ReplayEvaluator(t.dataset).device();
    o.space.apply(t.space);
    if (o.target.devices.size() > 1)
      for (std::size_t i = 0; i < o.target.devices.size(); ++i)
        t.device_indices.push_back(static_cast<int>(i));
    return;
  }
  auto k = resolve_kernel(o.target, &o.space);
  t.family = k.family;
  t.kernel = k.family->name();
  t.problem = std::move(k.problem);
  t.selection = std::move(k.selection);
  t.device = t.selection.device;
  t.space = std::move(k.space);
  const auto devices = resolve_devices(o.target, t.selection);
  if (devices.size() > 1)
    for (const auto& d : devices)
      t.device_indices.push_back(d.index);
}

// Opens the device (kernels) and creates the evaluator.
void open_evaluator(const TuneOptions& o, Target& t) {
  if (t.replay()) {
    auto replay = std::make_unique<profiles::replay::ReplayEvaluator>(t.dataset);
    replay->set_pace(o.replay_pace);
    t.replayer = replay.get();
    t.evaluator = std::move(replay);
    for (std::size_t i = 1; i < t.device_indices.size(); ++i) {
      auto simulated = std::make_unique<profiles::replay::ReplayEvaluator>(t.dataset);
      simulated->set_pace(o.replay_pace);
      t.other_evaluators.push_back(std::move(simulated));
    }
    t.transfers_skipped = "not available in a replay (the recorded kernel never runs here)";
    return;
  }
  {
    // The copies, timed on the first device opened here for that alone (the kernels run in a
    // worker by default), and closed before the evaluator allocates the kernel's buffers.
    auto device = t.selection.backend->open(t.device_indices.empty() ? t.selection.device.index
                                                                     : t.device_indices.front());
    t.transfers =
        profiles::measure_transfers(*device, profiles::transfer_sizes(*t.family, t.problem));
  }
  auto measure = o.measurement.measure;
  measure.seed = o.seed;
  measure.profile = !o.no_counters;
  measure.counters.flop_counts = o.flops;
  if (!o.prune.empty())
    measure.prune = for_option("--prune", [&] { return profiles::PruneRules::parse(o.prune); });
  auto open = [&](int index) {
    return open_kernel_evaluation(*t.family, t.problem, t.selection, index, t.space, &o.space,
                                  o.measurement, measure);
  };
  auto first = open(t.device_indices.empty() ? t.selection.device.index : t.device_indices.front());
  if (!first.timer_warning.empty()) std::cerr << "ktune: warning: " << first.timer_warning << '\n';
  t.opened = std::move(first.device);
  t.device = first.info;
  t.evaluator = std::move(first.evaluator);
  for (std::size_t i = 1; i < t.device_indices.size(); ++i) {
    auto other = open(t.device_indices[i]);
    if (other.device) t.other_devices.push_back(std::move(other.device));
    t.other_evaluators.push_back(std::move(other.evaluator));
  }
}

tuner::SessionPlan plan_of(const TuneOptions& o, const Target& t, const tuner::Budget& budget,
                           std::size_t space_size, const std::vector<std::string>& args,
                           const TuneBaseline& baseline) {
  tuner::SessionPlan plan;
  plan.cpu_baseline = baseline.run;
  plan.transfers = t.transfers;
  plan.kernel = t.kernel;
  plan.problem = t.problem;
  plan.device = t.device;
  plan.strategy = o.strategy;
  plan.seed = o.seed;
  plan.budget = budget;
  plan.space_size = space_size;
  plan.tool_version = KTUNE_VERSION;
  plan.devices = t.device_indices;
  plan.command = "ktune tune";
  for (const auto& a : args)
    plan.command += " " + a;
  const auto& m = o.measurement.measure;
  plan.settings = {{"min_runs", std::to_string(m.min_runs)},
                   {"max_runs", std::to_string(m.max_runs)},
                   {"target_ci", shortest(m.target_relative_ci)},
                   {"timeout_ms", shortest(m.timeout_ms)}};
  plan.settings.merge(space_settings(o));
  if (t.replay()) plan.settings["dataset"] = o.dataset;
  if (!t.device_indices.empty())
    plan.settings["devices"] = fmt::format("{}", fmt::join(t.device_indices, ","));
  if (budget.stagnation) plan.settings["stagnation"] = std::to_string(*budget.stagnation);
  if (t.family) {
    try {  // the kernel source, as compiled (the defines differ per configuration)
      plan.source_hash =
          db::hash_text(t.family->plan(t.space, t.space.default_config()).source.code);
    } catch (const std::exception&) {
      plan.source_hash.clear();
    }
  }
  return plan;
}

// `ktune tune KERNEL --shapes FILE|session:ID`: the shapes tuned in turn, each its own session.
struct ShapeList {
  Json documents = Json::array();  // --format json: one per shape
  std::string setting;             // the whole list, stored with each session (shape_list.hpp)
};

// The best configuration stored for the nearest tuned shape (the stored lookup: this shape on
// this device, else the nearest shape, else the same architecture), as a configuration of this
// space; none when nothing fits.
std::vector<Config> warm_start_of(const db::Store& store, const Target& t) {
  db::LookupRequest request;
  request.kernel = t.kernel;
  request.problem = t.problem;
  request.device = t.device;
  const auto found = db::Lookup(store, runtime::family_rules(t.kernel)).best(request);
  if (found.rule == db::LookupRule::default_config || found.rule == db::LookupRule::none ||
      found.config.empty())
    return {};
  try {
    Config config = t.space.parse_config(found.config);
    if (!t.space.violation(config)) return {config};
  } catch (const std::exception&) {
  }
  return {};
}

// One search (one shape of a list when `list` is given), into `store`. Returns the exit code.
int tune_one(TuneOptions& o, const CommandLine& line, const std::vector<std::string>& args,
             const std::optional<tuner::Shard>& shard, const tuner::Budget& budget,
             std::optional<db::Store>& opened, ShapeList* list) {
  Target target;
  describe_target(o, target);
  auto valid = target.space.enumerate();
  if (valid.empty()) {
    const auto error = target.space.evaluation_error(target.space.default_config());
    throw UsageError(fmt::format(
        "no configuration satisfies the constraints{} (check --set and "
        "--restrict)",
        error ? " (" + printable(*error) + " at the default configuration)" : std::string()));
  }
  if (shard) {
    valid = tuner::shard_of(target.space, valid, *shard);
    if (valid.empty())
      throw UsageError(
          fmt::format("--shard {}: this part of the space is empty (the space has "
                      "fewer configurations than shards)",
                      o.shard));
    target.space.restrict_to(valid);
  }

  // Opened once the target is known to be good: a bad dataset or shape never creates it.
  if (!opened) opened.emplace(open_for_writing(o.database));
  db::Store& store = *opened;
  std::optional<db::StoredSession> resumed;
  if (line.given("resume")) {
    if (!list) {
      resumed = session_to_resume(store, o, line, target);
    } else {
      // A list resumes shape by shape: an unfinished session continues, a finished one is not
      // run again, and a shape without a session starts one.
      try {
        resumed = session_to_resume(store, o, line, target);
      } catch (const UsageError&) {
        resumed.reset();
      }
      if (resumed && resumed->status == SessionStatus::completed) {
        if (o.output.format == Format::json)
          list->documents.push_back(Json{{"shape", o.target.shape},
                                         {"skipped", true},
                                         {"warm_start", Json::array()},
                                         {"session", Json(*resumed)},
                                         {"evaluations", Json::array()},
                                         {"best", nullptr}});
        else
          std::cout << fmt::format("shape {}: tuned before (session {}), skipped\n", o.target.shape,
                                   resumed->id);
        return 0;
      }
    }
  }

  // Before the device work, so that neither disturbs the other's timing.
  const TuneBaseline baseline = tune_baseline(o, target, store);
  if (baseline.run) o.measurement.measure.cpu_baseline_ms = baseline.run->result.time.median;
  open_evaluator(o, target);
  auto strategy = tuner::make_strategy(o.strategy, target.space, valid, o.seed);
  db::SessionRecorder recorder(store,
                               resumed ? std::optional<std::int64_t>(resumed->id) : std::nullopt);
  tuner::SessionOptions session_options;
  session_options.evaluate_default_first = !target.replay();
  session_options.simulated_time = target.replay();
  if (list && !resumed) session_options.warm_start = warm_start_of(store, target);
  PausePoint paused(recorder);
  tuner::Session session(target.space, target.evaluators(), *strategy, &paused, session_options);
  if (resumed) session.resume(stored_evaluations(store, *resumed, target));

  std::signal(SIGINT, on_interrupt);
  const bool live = isatty(STDERR_FILENO) != 0;
  std::size_t width = 100;
  if (winsize size{}; live && ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20)
    width = size.ws_col;
  bool counters_warned = false;  // once: why CUDA counters are unavailable and how to fix it
  tuner::TuningHooks hooks;
  hooks.stop = &g_stop;
  hooks.progress = [&](const tuner::TuneResult& r, std::size_t total) {
    if (!counters_warned && !target.replay() && !o.no_counters && target.device.backend == "cuda") {
      if (auto why = target.evaluator->counters_problem(); !why.empty()) {
        std::cerr << (live ? "\r\033[K" : "") << "ktune: warning: " << why << '\n';
        counters_warned = true;
      }
    }
    if (live)
      std::cerr << "\r\033[K" << progress_line(r, total, budget, target, width) << std::flush;
  };
  hooks.finalists_starting = [&] {
    if (live) std::cerr << "\r\033[K";
    if (live && o.finalists.count > 1 && !target.replay())
      std::cerr << "re-measuring the finalists..." << std::flush;
  };
  auto plan = plan_of(o, target, budget, valid.size(), args, baseline);
  if (list) plan.settings[kShapeListSetting] = list->setting;
  if (!session_options.warm_start.empty())
    plan.settings["warm_start"] = target.space.canonical(session_options.warm_start.front());
  const auto tuning = tuner::tune(plan, session, *target.evaluator, o.finalists, &paused, hooks);
  if (live) std::cerr << "\r\033[K";

  const Report report{o,
                      target,
                      valid.size(),
                      shard,
                      budget,
                      tuning.result,
                      tuning.verdict,
                      store.session(recorder.session()).value(),
                      store.path(),
                      db::session_cpu_baseline(store, recorder.session()),
                      baseline.skipped,
                      db::session_transfers(store, recorder.session())};
  if (list && o.output.format == Format::json) {
    Json warm = Json::array();
    for (const auto& c : session_options.warm_start)
      warm.push_back(target.space.canonical(c));
    Json doc{{"shape", o.target.shape}, {"skipped", false}, {"warm_start", warm}};
    const Json tuned = report_json(report);
    for (const auto& [key, value] : tuned.items())
      doc[key] = value;
    list->documents.push_back(std::move(doc));
  } else if (o.output.format == Format::json) {
    print_json(report);
  } else {
    if (list) std::cout << fmt::format("shape {}:\n", o.target.shape);
    print_table(report);
  }
  return tuning.result.interrupted ? 130 : 0;
}

}  // namespace

int run_tune(const std::vector<std::string>& args) {
  CommandLine line(
      "ktune tune",
      "ktune tune <kernel> [--shape S | --shapes FILE|session:ID] [--backend B] [--device N] "
      "[--db FILE] [options]\n       ktune tune --dataset FILE [options]   (replay a "
      "recorded search)");
  TuneOptions o;
  declare(line, o);
  if (!line.parse(args)) return 0;
  validate(o, line);
  std::optional<tuner::Shard> shard;
  if (!o.shard.empty()) shard = for_option("--shard", [&] { return tuner::parse_shard(o.shard); });
  const tuner::Budget budget = budget_of(o, line);
  if (!o.shapes.given()) {
    std::optional<db::Store> store;
    return tune_one(o, line, args, shard, budget, store, nullptr);
  }

  // A list of shapes: --shard splits the list, not the space.
  const auto& family = kernels::find_family(o.target.kernel);
  std::vector<ListedShape> shapes;
  if (o.shapes.session) {
    const db::Store stored = open_results(o.database);
    shapes = stored_shape_list(family, stored, *o.shapes.session, "--shapes " + o.shapes.text);
  } else {
    shapes = read_shape_list(family, o.shapes.file());
  }
  ShapeList list;
  list.setting = shape_list_setting(shapes);
  if (shard) shapes = shard_shapes(shapes, *shard);
  std::optional<db::Store> store;
  int status = 0;
  for (const auto& shape : shapes) {
    TuneOptions one = o;
    one.target.shape = shape.text;
    one.shard.clear();
    status = tune_one(one, line, args, std::nullopt, budget, store, &list);
    if (status != 0) break;  // interrupted
  }
  if (o.output.format == Format::json)
    ktune::cli::print_json(std::cout, Json{{"shapes", list.documents}});
  return status;
}

}  // namespace ktune::cli
