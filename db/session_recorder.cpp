#include "db/session_recorder.hpp"

#include <fmt/format.h>

#include "db/baselines.hpp"
#include "db/ids.hpp"
#include "db/transfers.hpp"

namespace ktune::db {

std::vector<ParamValue> typed_values(const Space& space, const Config& config) {
  std::vector<ParamValue> values;
  for (std::size_t i = 0; i < space.params().size() && i < config.values.size(); ++i) {
    const auto& p = space.params()[i];
    const auto kind = p.kind == Param::Kind::boolean  ? ParamValue::Kind::boolean
                      : p.kind == Param::Kind::choice ? ParamValue::Kind::choice
                                                      : ParamValue::Kind::integer;
    values.push_back({p.name, kind, config.values[i], p.format(config.values[i])});
  }
  return values;
}

SessionRecorder::SessionRecorder(Store& store, std::optional<std::int64_t> resume)
    : store_(store), resume_(resume) {
  if (resume_ && store_.path() != ":memory:")
    lease_.emplace(SessionLease::take(store_.path(), *resume_));
}

void SessionRecorder::session_begun(const tuner::SessionPlan& plan) {
  devices_ = plan.devices;
  if (resume_) {
    session_ = *resume_;
    store_.reopen_session(session_);
  } else {
    session_ = store_.begin_session(record_of(plan));
    if (store_.path() != ":memory:") lease_.emplace(SessionLease::take(store_.path(), session_));
  }
  if (plan.cpu_baseline) record_baseline(plan.problem, *plan.cpu_baseline);
  if (!plan.transfers.empty()) record_transfers(store_, session_, plan.transfers);
}

void SessionRecorder::record_baseline(const Problem& problem, const tuner::CpuBaselineRun& run) {
  const auto& r = run.result;
  std::int64_t id = 0;
  if (run.stored_id) {
    id = *run.stored_id;
  } else {
    StoredCpuBaseline b;
    b.method = r.method;
    b.library = r.library;
    b.libraries = run.libraries;
    b.threads = r.threads;
    b.samples_ms = r.samples_ms;
    b.gflops = r.gflops;
    id = insert_cpu_baseline(store_, problem, b);
  }
  link_cpu_baseline(store_, session_, id, run.stored_id.has_value());
  baseline_ = CpuBaseline{fmt::format("{}, {} threads", r.method, r.threads), r.time.median};
}

SessionRecord SessionRecorder::record_of(const tuner::SessionPlan& plan) {
  SessionRecord record;
  record.kernel = plan.kernel;
  record.problem = plan.problem;
  record.device = plan.device;
  record.strategy = plan.strategy;
  record.seed = plan.seed;
  record.tool_version = plan.tool_version;
  record.source_hash = plan.source_hash;
  if (plan.budget.evaluations) record.budget_evaluations = *plan.budget.evaluations;
  record.budget_seconds = plan.budget.seconds;
  record.space_size = plan.space_size;
  record.settings = plan.settings;
  record.command = plan.command;
  return record;
}

void SessionRecorder::evaluation_recorded(const Space& space, const Config& config,
                                          const Evaluation& evaluation, std::size_t device) {
  std::optional<int> device_index;
  if (device < devices_.size()) device_index = devices_[device];
  store_.record(session_, space.canonical(config), evaluation,
                RecordExtras{typed_values(space, config), baseline_, device_index});
}

void SessionRecorder::finalists_measured(const Space& space,
                                         std::span<const tuner::FinalistRun> finalists,
                                         bool remeasured) {
  std::vector<FinalistRecord> records;
  for (const auto& f : finalists)
    records.push_back(
        {space.canonical(f.config), typed_values(space, f.config), f.samples_ms, f.time});
  store_.record_finalists(session_, records, remeasured);
}

void SessionRecorder::session_ended(SessionStatus status, std::optional<StopReason> stop) {
  store_.end_session(session_, status, stop);
}

}  // namespace ktune::db
