#pragma once
// A tuner::Recorder that keeps what it is told in memory, in order: for testing sessions
// without a database.
#include <optional>
#include <string>
#include <vector>

#include "tuner/recorder.hpp"

namespace ktune::test {

class MemoryRecorder final : public tuner::Recorder {
 public:
  std::vector<std::string> events;  // "begun", "evaluation <canonical>", "finalists", "ended"
  std::optional<tuner::SessionPlan> plan;
  std::vector<std::string> evaluations;  // canonical texts
  std::vector<std::size_t> devices;      // which of the session's devices measured each
  std::vector<std::string> finalists;    // canonical texts, best first
  bool remeasured = false;
  std::optional<SessionStatus> status;
  std::optional<StopReason> stop;

  void session_begun(const tuner::SessionPlan& p) override {
    events.push_back("begun");
    plan = p;
  }
  void evaluation_recorded(const Space& space, const Config& config, const Evaluation&,
                           std::size_t device) override {
    events.push_back("evaluation " + space.canonical(config));
    evaluations.push_back(space.canonical(config));
    devices.push_back(device);
  }
  void finalists_measured(const Space& space, std::span<const tuner::FinalistRun> runs,
                          bool fresh) override {
    events.push_back("finalists");
    for (const auto& f : runs)
      finalists.push_back(space.canonical(f.config));
    remeasured = fresh;
  }
  void session_ended(SessionStatus s, std::optional<StopReason> why) override {
    events.push_back("ended");
    status = s;
    stop = why;
  }
};

}  // namespace ktune::test
