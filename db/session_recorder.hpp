#pragma once
// A tuning session's record in the results database: the tuner's Recorder, implemented over a
// Store. One transaction per evaluation, so a crash loses at most the evaluation in flight.
#include <cstdint>
#include <optional>

#include "db/session_lease.hpp"
#include "db/store.hpp"
#include "tuner/recorder.hpp"

namespace ktune::db {

class SessionRecorder final : public tuner::Recorder {
 public:
  // Records a new session, or continues the stored session `resume`. The session is leased to
  // this process while the recorder lives (db/session_lease.hpp): resuming one that another
  // process records into throws ktune::Error naming that process.
  explicit SessionRecorder(Store& store, std::optional<std::int64_t> resume = std::nullopt);

  // The stored session's id, once begun.
  std::int64_t session() const { return session_; }
  // What the CPU baseline took for this problem, stored with every measurement from now on
  // (session_begun sets the plan's).
  void set_baseline(std::optional<CpuBaseline> baseline) { baseline_ = std::move(baseline); }

  void session_begun(const tuner::SessionPlan& plan) override;
  void evaluation_recorded(const Space& space, const Config& config, const Evaluation& evaluation,
                           std::size_t device) override;
  void finalists_measured(const Space& space, std::span<const tuner::FinalistRun> finalists,
                          bool remeasured) override;
  void session_ended(SessionStatus status, std::optional<StopReason> stop) override;

 private:
  static SessionRecord record_of(const tuner::SessionPlan& plan);
  void record_baseline(const Problem& problem, const tuner::CpuBaselineRun& run);

  Store& store_;
  std::optional<std::int64_t> resume_;
  std::int64_t session_ = 0;
  std::optional<CpuBaseline> baseline_;
  std::vector<int> devices_;  // the plan's device indices, when several
  std::optional<SessionLease> lease_;
};

// The typed values of a configuration of `space`, as the store keeps them.
std::vector<ParamValue> typed_values(const Space& space, const Config& config);

}  // namespace ktune::db
