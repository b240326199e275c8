#include "tuner/device_pool.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <queue>
#include <stdexcept>
#include <thread>
#include <tuple>

namespace ktune::tuner {
namespace {

class ThreadedPool final : public DevicePool {
 public:
  explicit ThreadedPool(std::vector<profiles::Evaluator*> devices)
      : devices_(std::move(devices)), jobs_(devices_.size()) {
    for (std::size_t d = 0; d < devices_.size(); ++d)
      threads_.emplace_back([this, d] { serve(d); });
  }
  ~ThreadedPool() override {
    {
      std::lock_guard lock(mutex_);
      quit_ = true;
    }
    work_.notify_all();
    for (auto& t : threads_)
      t.join();
  }
  std::size_t size() const override { return devices_.size(); }
  void start(std::size_t device, Config config) override {
    {
      std::lock_guard lock(mutex_);
      if (jobs_.at(device)) throw std::logic_error("DevicePool::start: the device is busy");
      jobs_[device] = std::move(config);
      ++busy_;
    }
    work_.notify_all();
  }
  Finished wait() override {
    std::unique_lock lock(mutex_);
    if (busy_ == 0 && done_.empty()) throw std::logic_error("DevicePool::wait: nothing is running");
    finished_.wait(lock, [&] { return !done_.empty(); });
    Finished f = std::move(done_.front());
    done_.pop_front();
    return f;
  }

 private:
  void serve(std::size_t d) {
    for (;;) {
      Config config;
      {
        std::unique_lock lock(mutex_);
        work_.wait(lock, [&] { return quit_ || jobs_[d].has_value(); });
        if (!jobs_[d]) return;  // quit with nothing to do
        config = *jobs_[d];
      }
      Finished f{d, config, {}, nullptr};
      try {
        f.evaluation = devices_[d]->evaluate(config);
      } catch (...) {
        f.error = std::current_exception();
      }
      {
        std::lock_guard lock(mutex_);
        jobs_[d].reset();
        --busy_;
        done_.push_back(std::move(f));
      }
      finished_.notify_all();
    }
  }

  std::vector<profiles::Evaluator*> devices_;
  std::mutex mutex_;
  std::condition_variable work_, finished_;
  std::vector<std::optional<Config>> jobs_;  // what each device measures now
  std::deque<Finished> done_;
  std::size_t busy_ = 0;
  bool quit_ = false;
  std::vector<std::thread> threads_;  // last: started once everything above exists
};

class SimulatedPool final : public DevicePool {
 public:
  explicit SimulatedPool(std::vector<profiles::Evaluator*> devices)
      : devices_(std::move(devices)), busy_(devices_.size(), false) {}
  std::size_t size() const override { return devices_.size(); }
  void start(std::size_t device, Config config) override {
    if (busy_.at(device)) throw std::logic_error("DevicePool::start: the device is busy");
    busy_[device] = true;
    Finished f{device, config, {}, nullptr};
    double cost = 0;
    try {
      f.evaluation = devices_[device]->evaluate(config);
      cost = std::max(0.0, f.evaluation.cost_ms);
    } catch (...) {
      f.error = std::current_exception();
    }
    running_.push({now_ms_ + cost, order_++, std::move(f)});
  }
  Finished wait() override {
    if (running_.empty()) throw std::logic_error("DevicePool::wait: nothing is running");
    // The earliest to finish; among simultaneous ones, the first started.
    Running next = running_.top();
    running_.pop();
    now_ms_ = next.at_ms;
    busy_[next.finished.device] = false;
    return std::move(next.finished);
  }
  double simulated_ms() const override { return now_ms_; }

 private:
  struct Running {
    double at_ms;
    std::size_t order;
    Finished finished;
    bool operator>(const Running& other) const {
      return std::tie(at_ms, order) > std::tie(other.at_ms, other.order);
    }
  };
  std::vector<profiles::Evaluator*> devices_;
  std::vector<bool> busy_;
  std::priority_queue<Running, std::vector<Running>, std::greater<>> running_;
  double now_ms_ = 0;
  std::size_t order_ = 0;
};

}  // namespace

std::unique_ptr<DevicePool> make_threaded_pool(std::vector<profiles::Evaluator*> devices) {
  return std::make_unique<ThreadedPool>(std::move(devices));
}

std::unique_ptr<DevicePool> make_simulated_pool(std::vector<profiles::Evaluator*> devices) {
  return std::make_unique<SimulatedPool>(std::move(devices));
}

}  // namespace ktune::tuner
