#pragma once
// The devices of one search, each measuring one configuration at a time: the session starts a
// configuration on an idle device and waits for whichever finishes first. How a device measures
// is its evaluator's business (a kernel on a device opened in this process, a worker process,
// a recorded search): the pool only calls Evaluator::evaluate, one call at a time per device.
//
// Two clocks: on real devices each device has its own thread, blocked in its evaluator while
// the session's thread runs the strategy; in a replay the devices are simulated, each busy for
// the recorded cost of what it measures, and results come back in the order they would have
// finished (deterministic, no threads).
#include <cstddef>
#include <exception>
#include <memory>
#include <vector>

#include "core/evaluation.hpp"
#include "profiles/evaluator.hpp"
#include "space/config.hpp"

namespace ktune::tuner {

struct Finished {
  std::size_t device = 0;  // position in the pool
  Config config;
  Evaluation evaluation;
  std::exception_ptr error;  // the evaluator threw (the device is lost)
};

class DevicePool {
 public:
  virtual ~DevicePool() = default;
  virtual std::size_t size() const = 0;
  // Starts measuring `config` on `device`, which must be idle.
  virtual void start(std::size_t device, Config config) = 0;
  // The next measurement to finish; at least one device must be busy.
  virtual Finished wait() = 0;
  // Simulated pools: milliseconds since the pool started, on the simulated clock (0 otherwise).
  virtual double simulated_ms() const { return 0; }
};

// One thread per device. The evaluators must outlive the pool; the destructor waits for the
// measurements still running.
std::unique_ptr<DevicePool> make_threaded_pool(std::vector<profiles::Evaluator*> devices);
// Simulated devices: a measurement is made when it starts and finishes Evaluation::cost_ms later.
std::unique_ptr<DevicePool> make_simulated_pool(std::vector<profiles::Evaluator*> devices);

}  // namespace ktune::tuner
