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

// `ktune tune matmul` with no options (1024^3 on PoCL, a few seconds a variant) must be done in
// about five minutes: four minutes of search, then the finalists' re-measurement.
constexpr double kDefaultBudgetSeconds = 240;

struct TuneOptions {
  std::string kernel, shape, backend, dataset, db, format = "table", strategy = "auto";
  int device = -1;
  std::uint64_t seed = 1;
  std::size_t budget_evals = 0, stagnation = 0;
  double budget_time = kDefaultBudgetSeconds;
  bool exhaustive = false;
  std::string resume, shard;
  tuner::FinalistOptions finalists;
  double replay_pace = 0;
  std::string timer = "events";
  bool no_counters = false;
  std::vector<std::string> sets, restricts;
  profiles::MeasureOptions measure;
};

// What is tuned: a kernel family on a device, or a recorded search. Built in place and never
// moved: the evaluator refers to the space, the device and the dataset.
struct Target {
  std::string kernel;
  Problem problem;
  DeviceInfo device;
  tuner::Space space;
  const kernels::Family* family = nullptr;  // null in a replay
  profiles::Selection selection;            // kernel: the chosen backend and device
  std::unique_ptr<profiles::Device> opened;
  RecordedDataset dataset;  // replay only
  std::unique_ptr<profiles::Evaluator> evaluator;
  profiles::replay::ReplayEvaluator* replayer = nullptr;  // the evaluator, in a replay

  bool replay() const { return family == nullptr; }
};

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

// --- Resuming -----------------------------------------------------------------------------

// What defines the searched space besides the kernel, problem and device, as the session's
// settings store it; a session with other ones searched another space (another shard, say).
std::map<std::string, std::string> space_settings(const TuneOptions& o) {
  std::map<std::string, std::string> settings;
  if (!o.shard.empty()) settings["shard"] = o.shard;
  for (std::size_t i = 0; i < o.sets.size(); ++i)
    settings[fmt::format("set.{}", i + 1)] = o.sets[i];
  for (std::size_t i = 0; i < o.restricts.size(); ++i)
    settings[fmt::format("restrict.{}", i + 1)] = o.restricts[i];
  return settings;
}

// The first difference between a stored session's space settings and these, if any.
std::optional<std::string> settings_differ(const db::StoredSession& s, const TuneOptions& o) {
  auto space_only = [](const std::map<std::string, std::string>& all) {
    std::map<std::string, std::string> kept;
    for (const auto& [key, value] : all)
      if (key == "shard" || key.starts_with("set.") || key.starts_with("restrict."))
        kept.emplace(key, value);
    return kept;
  };
  const auto stored = space_only(s.settings);
  const auto given = space_settings(o);
  if (stored == given) return std::nullopt;
  auto describe = [](const std::map<std::string, std::string>& settings) {
    std::string text;
    for (const auto& [key, value] : settings)
      text +=
          fmt::format("{}--{} '{}'", text.empty() ? "" : " ", key.substr(0, key.find('.')), value);
    return text.empty() ? std::string("none") : text;
  };
  return fmt::format("that session searched with {}, not {}", describe(stored), describe(given));
}

bool same_target(const db::StoredSession& s, const Target& t) {
  return s.family == t.kernel && s.problem == t.problem.canonical() &&
         s.backend == t.device.backend && s.device_fingerprint == t.device.fingerprint();
}

// The session to resume: `--resume ID`, or the latest matching one, unfinished ones first.
// Adopts the stored strategy and seed where the command line did not name them.
db::StoredSession session_to_resume(const db::Store& store, const std::string& db_path,
                                    TuneOptions& o, const po::variables_map& vm, const Target& t) {
  const bool strategy_given = !vm["strategy"].defaulted() || o.exhaustive;
  const bool seed_given = !vm["seed"].defaulted();
  if (o.resume != "latest") {
    std::int64_t id = 0;
    try {
      std::size_t used = 0;
      id = std::stoll(o.resume, &used);
      if (used != o.resume.size()) throw std::invalid_argument("trailing text");
    } catch (const std::exception&) {
      throw UsageError(fmt::format(
          "--resume {}: expected a session id (a number), or --resume alone for the latest",
          o.resume));
    }
    auto s = store.session(id);
    if (!s) throw UsageError(fmt::format("--resume {}: no such session in {}", id, db_path));
    if (!same_target(*s, t))
      throw UsageError(
          fmt::format("--resume {}: that session tuned {} {} on {} ({}), not {} {} on {} ({})", id,
                      s->family, s->problem, s->device_name, s->backend, t.kernel,
                      t.problem.canonical(), t.device.name, t.device.backend));
    if (strategy_given && s->strategy != o.strategy)
      throw UsageError(fmt::format("--resume {}: that session used --strategy {}, not {}", id,
                                   s->strategy, o.strategy));
    if (seed_given && s->seed != o.seed)
      throw UsageError(
          fmt::format("--resume {}: that session used --seed {}, not {}", id, s->seed, o.seed));
    if (auto why = settings_differ(*s, o))
      throw UsageError(
          fmt::format("--resume {}: {} (repeat the session's --set, --restrict and "
                      "--shard)",
                      id, *why));
    o.strategy = s->strategy;
    o.seed = s->seed;
    return *s;
  }
  std::optional<db::StoredSession> latest, latest_unfinished;
  for (const auto& s : store.sessions()) {
    if (!same_target(s, t) || s.strategy != o.strategy || s.seed != o.seed || settings_differ(s, o))
      continue;
    latest = s;
    if (s.status != "completed") latest_unfinished = s;
  }
  if (latest_unfinished) return *latest_unfinished;
  if (latest) return *latest;
  throw UsageError(fmt::format(
      "--resume: no session of {} {} on {} with strategy {}, seed {} and these --set, --restrict "
      "and --shard in {} (give its id: --resume ID)",
      t.kernel, t.problem.canonical(), t.device.name, o.strategy, o.seed, db_path));
}

// The stored evaluations of a session as configurations of the current space. A replay serves
// them from the dataset again (a lookup, not a measurement) so they carry the recorded figures
// and costs exactly; measured ones come back as stored, their cost estimated from the compile
// time and the timed runs.
std::vector<std::pair<tuner::Config, Evaluation>> stored_evaluations(
    const db::Store& store, const db::StoredSession& session, Target& t) {
  std::vector<std::pair<tuner::Config, Evaluation>> stored;
  for (auto& e : store.evaluations(session.id)) {
    tuner::Config config;
    try {
      config = t.space.parse_config(e.config);
    } catch (const UsageError&) {
      throw UsageError(fmt::format(
          "--resume {}: its configuration '{}' is not one of this space (repeat the session's "
          "--set, --restrict and --shard)",
          session.id, e.config));
    }
    if (auto why = t.space.violation(config))
      throw UsageError(fmt::format(
          "--resume {}: its configuration '{}' {} (repeat the session's --set, --restrict and "
          "--shard)",
          session.id, e.config, *why));
    Evaluation evaluation = std::move(e.evaluation);
    if (t.replayer) {
      evaluation = t.replayer->lookup(config);
    } else {
      evaluation.cost_ms = evaluation.compile_ms;
      for (double ms : evaluation.samples_ms)
        evaluation.cost_ms += ms;
    }
    stored.emplace_back(std::move(config), std::move(evaluation));
  }
  return stored;
}

// --- Output -------------------------------------------------------------------------------

nlohmann::ordered_json config_json(const tuner::Space& space, const tuner::Config& config) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < space.params().size(); ++i) {
    const auto& p = space.params()[i];
    if (p.kind == tuner::Param::Kind::choice)
      j[p.name] = p.format(config.values[i]);
    else
      j[p.name] = config.values[i];
  }
  return j;
}

nlohmann::ordered_json optional_json(std::optional<double> value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json();
}

std::optional<double> gflops(const Target& t, double ms) {
  if (!t.family || ms <= 0) return std::nullopt;
  return t.family->flops(t.problem) / (ms * 1e-3) / 1e9;
}

std::string duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

// What is left of the session: the nearest of the budgets and the end of the space.
std::optional<double> eta_seconds(const tuner::TuneResult& r, std::size_t space_size,
                                  const tuner::Budget& budget) {
  const std::size_t n = r.evaluations.size();
  if (n == 0) return std::nullopt;
  const double per_eval = r.elapsed_seconds / static_cast<double>(n);
  std::optional<double> eta = static_cast<double>(space_size - std::min(space_size, n)) * per_eval;
  if (budget.evaluations)
    eta =
        std::min(*eta, static_cast<double>(*budget.evaluations - std::min(*budget.evaluations, n)) *
                           per_eval);
  if (budget.seconds) eta = std::min(*eta, std::max(0.0, *budget.seconds - r.elapsed_seconds));
  return eta;
}

struct Report {
  const TuneOptions& options;
  const Target& target;
  std::size_t space_size;
  std::optional<tuner::Shard> shard;
  const tuner::Budget& budget;
  const tuner::TuneResult& result;
  const tuner::Verdict& verdict;
  std::int64_t session_id;
  std::string database;
};

nlohmann::ordered_json summary_json(const Summary& s) {
  return {{"median_ms", s.median}, {"ci_ms", {s.ci_low, s.ci_high}}, {"samples", s.count}};
}

void print_json(const Report& r) {
  const auto& result = r.result;
  const auto& space = r.target.space;
  nlohmann::ordered_json evaluations = nlohmann::ordered_json::array();
  for (const auto& e : result.evaluations) {
    const auto& ev = e.evaluation;
    evaluations.push_back(
        {{"index", e.index},
         {"config", config_json(space, e.config)},
         {"objective_ms", optional_json(ev.objective_ms())},
         {"outcome", to_string(ev.outcome)},
         {"message", ev.message},
         {"samples", ev.samples_ms.size()},
         {"ci_ms", ev.time.count ? nlohmann::ordered_json{ev.time.ci_low, ev.time.ci_high}
                                 : nlohmann::ordered_json()},
         {"compile_ms", ev.compile_ms},
         {"cost_ms", ev.cost_ms},
         {"at_s", e.at_seconds},
         {"resumed", e.resumed},
         {"max_error", ev.max_error && std::isfinite(*ev.max_error)
                           ? nlohmann::ordered_json(*ev.max_error)
                           : nlohmann::ordered_json()}});
  }
  nlohmann::ordered_json budget = {
      {"evaluations",
       r.budget.evaluations ? nlohmann::ordered_json(*r.budget.evaluations) : nullptr},
      {"seconds", optional_json(r.budget.seconds)},
      {"stagnation", r.budget.stagnation ? nlohmann::ordered_json(*r.budget.stagnation) : nullptr}};
  nlohmann::ordered_json doc;
  doc["session"] = {{"id", r.session_id},
                    {"database", r.database},
                    {"kernel", r.target.kernel},
                    {"problem", r.target.problem.canonical()},
                    {"backend", r.target.device.backend},
                    {"device", r.target.device.name},
                    {"dataset", r.target.replay() ? nlohmann::ordered_json(r.options.dataset)
                                                  : nlohmann::ordered_json()},
                    {"strategy", r.options.strategy},
                    {"seed", r.options.seed},
                    {"space_size", r.space_size},
                    {"shard", r.shard ? nlohmann::ordered_json(
                                            fmt::format("{}/{}", r.shard->index, r.shard->count))
                                      : nlohmann::ordered_json()},
                    {"budget", budget},
                    {"evaluations", result.evaluations.size()},
                    {"resumed", result.resumed},
                    {"stop_reason", result.stop_reason},
                    {"elapsed_s", result.elapsed_seconds},
                    {"simulated_time", r.target.replay()}};
  doc["evaluations"] = evaluations;
  const auto& v = r.verdict;
  if (v.winner) {
    const auto& b = result.evaluations[*v.winner];
    const double ms = *b.evaluation.objective_ms();
    nlohmann::ordered_json best = {
        {"index", b.index},
        {"config", config_json(space, b.config)},
        {"canonical", space.canonical(b.config)},
        {"objective_ms", ms},
        {"ci_ms", {b.evaluation.time.ci_low, b.evaluation.time.ci_high}},
        {"gflops", optional_json(gflops(r.target, ms))},
        {"speedup_over_default", nullptr},
        {"remeasured", v.remeasured},
        {"finalists", nlohmann::ordered_json::array()},
        {"p_value_vs_runner_up", optional_json(v.p_value)},
        {"indistinguishable_from_runner_up", v.finalists.empty()
                                                 ? nlohmann::ordered_json()
                                                 : nlohmann::ordered_json(v.indistinguishable)},
        {"note", v.note}};
    if (result.default_config) {
      const auto default_ms = result.evaluations[*result.default_config].evaluation.objective_ms();
      if (default_ms) best["speedup_over_default"] = *default_ms / ms;
    }
    for (const auto& f : v.finalists) {
      auto entry = summary_json(f.summary);
      entry["index"] = result.evaluations[f.evaluation].index;
      entry["config"] = config_json(space, result.evaluations[f.evaluation].config);
      best["finalists"].push_back(entry);
    }
    doc["best"] = best;
  } else {
    doc["best"] = nullptr;
  }
  std::cout << doc.dump(2) << '\n';
}

void print_table(const Report& r) {
  const auto& result = r.result;
  const auto& space = r.target.space;
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
  std::cout << fmt::format(
      "{} {} on {} ({} #{}), strategy {} seed {}{}: {} of {} configurations evaluated in {}{} "
      "({})\n",
      r.target.kernel, r.target.problem.canonical(), r.target.device.name, r.target.device.backend,
      r.target.device.index, r.options.strategy, r.options.seed,
      r.shard ? fmt::format(", shard {}/{}", r.shard->index, r.shard->count) : "",
      result.evaluations.size(), r.space_size, duration(result.elapsed_seconds),
      r.target.replay() ? " (simulated)" : "", result.stop_reason);
  if (result.resumed)
    std::cout << fmt::format("{} evaluation(s) resumed from the database, none measured again\n",
                             result.resumed);
  const bool has_flops = r.target.family != nullptr;
  // A replay's objective is the recorded figure (Kernel Tuner: the mean of the runs).
  std::vector<std::string> header{"rank", "configuration",
                                  r.target.replay() ? "recorded ms" : "median ms", "95% CI ms"};
  if (has_flops) header.push_back("GFLOP/s");
  header.push_back("runs");
  Table table(header);
  for (std::size_t i = 0; i < correct.size() && i < 10; ++i) {
    const auto& ev = correct[i]->evaluation;
    std::vector<std::string> row{std::to_string(i + 1), space.canonical(correct[i]->config),
                                 fmt::format("{:.4f}", *ev.objective_ms()),
                                 fmt::format("{:.4f}-{:.4f}", ev.time.ci_low, ev.time.ci_high)};
    if (has_flops) row.push_back(fmt::format("{:.2f}", *gflops(r.target, *ev.objective_ms())));
    row.push_back(std::to_string(ev.samples_ms.size()));
    table.add(std::move(row));
  }
  table.print(std::cout);
  for (const auto& [outcome, count] : failures)
    std::cout << fmt::format("{} variant(s) {}\n", count, outcome);

  const auto& v = r.verdict;
  if (!v.finalists.empty()) {
    std::cout << (v.remeasured
                      ? fmt::format("finalists, re-measured interleaved ({} rounds of {} runs):\n",
                                    r.options.finalists.rounds, r.options.finalists.runs_per_round)
                      : std::string("finalists (not re-measured: their recorded samples):\n"));
    for (const auto& f : v.finalists)
      std::cout << fmt::format("  {:.4f} ms [{:.4f}-{:.4f}]  {}\n", f.summary.median,
                               f.summary.ci_low, f.summary.ci_high,
                               space.canonical(result.evaluations[f.evaluation].config));
  }
  if (v.winner) {
    const auto& b = result.evaluations[*v.winner];
    const double ms = *b.evaluation.objective_ms();
    std::cout << fmt::format("best: {}  {:.4f} ms", space.canonical(b.config), ms);
    if (auto g = gflops(r.target, ms)) std::cout << fmt::format("  {:.2f} GFLOP/s", *g);
    if (result.default_config) {
      const auto& d = result.evaluations[*result.default_config];
      if (auto default_ms = d.evaluation.objective_ms())
        std::cout << fmt::format("  {:.2f}x over the default ({})", *default_ms / ms,
                                 space.canonical(d.config));
    }
    std::cout << '\n';
    if (!v.note.empty()) std::cout << "note: " << v.note << '\n';
  } else {
    std::cout << "no configuration ran correctly\n";
  }
  std::cout << fmt::format("stored as session {} in {}", r.session_id, r.database);
  if (result.interrupted) std::cout << fmt::format(" (continue with --resume {})", r.session_id);
  std::cout << '\n';
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
  std::vector<std::pair<tuner::Config, Evaluation>> stored;
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
