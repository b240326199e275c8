#include "profiles/isolation/isolated_evaluator.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "profiles/isolation/messages.hpp"
#include "space/config_json.hpp"

namespace ktune::profiles::isolation {
namespace {

Clock::time_point after(double milliseconds) {
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double, std::milli>(milliseconds));
}

double elapsed_ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

}  // namespace

std::vector<std::string> default_worker_command() {
  return {"/proc/self/exe", "worker"};
}

IsolatedEvaluator::IsolatedEvaluator(WorkerSpec spec, const Space& space,
                                     std::vector<std::string> command, IsolationLimits limits)
    : spec_(std::move(spec)), space_(space), command_(std::move(command)), limits_(limits) {
  start();
}

IsolatedEvaluator::~IsolatedEvaluator() = default;

void IsolatedEvaluator::start() {
  worker_ = std::make_unique<WorkerProcess>(command_);
  ++started_;
  Json reply;
  Received received = Received::closed;
  try {
    send_message(worker_->fd(), Json{{"type", "open"}, {"spec", spec_}});
    received = receive_message(worker_->fd(), reply, after(limits_.start_ms));
  } catch (const Error&) {
    received = Received::closed;  // it died before reading, or wrote garbage
  }
  if (received == Received::deadline) {
    worker_.reset();
    throw Error(fmt::format("the worker process was not ready within {:g} s of starting",
                            limits_.start_ms / 1000));
  }
  if (received == Received::closed) {
    const std::string death = worker_->reap();
    worker_.reset();
    throw Error(fmt::format("the worker process could not start: it ended before it was ready ({})",
                            death));
  }
  const std::string type = reply.value("type", "");
  if (type == "error") {
    worker_.reset();
    const std::string message = reply.value("message", "the worker failed to open the device");
    if (reply.value("refused", "") == "timer") throw TimerRefused(message);
    if (reply.value("usage", false)) throw UsageError(message);
    throw Error(message);
  }
  if (type != "ready") {
    worker_.reset();
    throw Error("worker protocol: expected 'ready', got '" + type + "'");
  }
  device_ = reply.at("device").get<DeviceInfo>();
  timer_warning_ = reply.value("timer_warning", "");
  counters_problem_ = reply.value("counters_problem", "");
}

IsolatedEvaluator::Reply IsolatedEvaluator::request(const Json& message) {
  if (!worker_) start();
  try {
    send_message(worker_->fd(), message);
  } catch (const Error&) {
    Reply died{Reply::Kind::died, {}, worker_->reap()};
    worker_.reset();
    return died;
  }
  return wait_reply();
}

IsolatedEvaluator::Reply IsolatedEvaluator::wait_reply() {
  bool launching = false;
  Clock::time_point deadline = after(limits_.step_ms);
  for (;;) {
    Json message;
    const Received received = receive_message(worker_->fd(), message, deadline);
    if (received == Received::closed) {
      Reply died{Reply::Kind::died, {}, worker_->reap()};
      worker_.reset();
      return died;
    }
    if (received == Received::deadline) {
      worker_->kill();
      worker_.reset();
      return {Reply::Kind::timed_out,
              launching ? Json("a run went past the timeout") : Json("no answer"),
              {}};
    }
    const std::string type = message.value("type", "");
    if (type == "launch") {
      launching = true;
      deadline = after(spec_.measure.timeout_ms + limits_.launch_grace_ms);
    } else if (type == "launched") {
      launching = false;
      deadline = after(limits_.step_ms);
    } else if (type == "error") {
      // The device itself failed in the worker: as in-process, that ends the session.
      worker_.reset();
      const std::string text = message.value("message", "the worker's device failed");
      if (message.value("usage", false)) throw UsageError(text);
      throw Error(text);
    } else {
      return {Reply::Kind::answered, std::move(message), {}};
    }
  }
}

Evaluation IsolatedEvaluator::failed(Outcome outcome, std::string message) const {
  Evaluation e;
  e.outcome = outcome;
  e.message = std::move(message);
  return e;
}

Evaluation IsolatedEvaluator::evaluate(const Config& config) {
  const auto started = Clock::now();
  if (deaths_[config] >= 2)
    return failed(Outcome::launch_error, "not run again: two workers died running it");
  const bool is_default = config == space_.default_config();
  std::string first_death;
  for (;;) {
    Reply reply = request(Json{{"type", "evaluate"}, {"config", params_json(space_, config)}});
    if (reply.kind == Reply::Kind::answered) {
      auto evaluation = reply.message.at("evaluation").get<Evaluation>();
      counters_problem_ = reply.message.value("counters_problem", "");
      return evaluation;
    }
    if (reply.kind == Reply::Kind::timed_out) {
      auto e =
          failed(Outcome::timeout,
                 reply.message.get<std::string>() == "no answer"
                     ? fmt::format("no answer from the worker for {:g} s outside a run: killed",
                                   limits_.step_ms / 1000)
                     : fmt::format("a run went past the {:g} ms timeout: the worker was killed",
                                   spec_.measure.timeout_ms));
      e.cost_ms = elapsed_ms(started);
      return e;
    }
    if (++deaths_[config] < 2) {
      first_death = reply.death;  // once more, in a new worker: it may not be this variant's doing
      continue;
    }
    const std::string how = first_death == reply.death
                                ? reply.death + " twice"
                                : fmt::format("{}, then {}", first_death, reply.death);
    if (is_default)
      throw Error(fmt::format(
          "the worker was {} on the default configuration {}: the device or its runtime is not "
          "usable here",
          how, space_.canonical(config)));
    auto e = failed(Outcome::launch_error,
                    fmt::format("worker {} (a new worker each time): not run a third time", how));
    e.cost_ms = elapsed_ms(started);
    return e;
  }
}

std::vector<double> IsolatedEvaluator::sample(const Config& config, int runs) {
  if (deaths_[config] >= 2) return {};
  Reply reply =
      request(Json{{"type", "sample"}, {"config", params_json(space_, config)}, {"runs", runs}});
  if (reply.kind == Reply::Kind::died) ++deaths_[config];
  if (reply.kind != Reply::Kind::answered) return {};
  return reply.message.at("samples_ms").get<std::vector<double>>();
}

void IsolatedEvaluator::prepare_ahead(std::span<const Config> configs) {
  Json list = Json::array();
  for (const auto& config : configs)
    list.push_back(params_json(space_, config));
  try {
    request(Json{{"type", "prepare"}, {"configs", list}});
  } catch (const std::exception&) {
    // Never throws (Evaluator's contract): the next evaluate() meets the same failure.
  }
}

}  // namespace ktune::profiles::isolation
