#include "profiles/isolation/worker_loop.hpp"

#include <csignal>
#include <iostream>
#include <memory>

#include "core/error.hpp"
#include "kernels/family.hpp"
#include "profiles/backends.hpp"
#include "profiles/isolation/fault_injection.hpp"
#include "profiles/isolation/messages.hpp"
#include "profiles/isolation/worker_spec.hpp"
#include "profiles/kernel_evaluator.hpp"
#include "space/config_json.hpp"

namespace ktune::profiles::isolation {
namespace {

// The opened device, forwarding everything, with each launch announced to the parent.
class AnnouncingDevice final : public Device {
 public:
  AnnouncingDevice(Device& device, int fd, FaultInjection& faults)
      : device_(device), fd_(fd), faults_(faults) {}

  const DeviceInfo& info() const override { return device_.info(); }
  std::unique_ptr<Program> compile(const KernelSource& source) override {
    return device_.compile(source);
  }
  std::unique_ptr<Buffer> allocate(std::size_t bytes) override { return device_.allocate(bytes); }
  void write(Buffer& buffer, std::span<const std::byte> data) override {
    device_.write(buffer, data);
  }
  void read(const Buffer& buffer, std::span<std::byte> data) override {
    device_.read(buffer, data);
  }
  double run(Program& program, const Geometry& geometry, std::span<const KernelArg> args,
             std::span<Buffer* const> buffers) override {
    Launch launch(*this);
    return device_.run(program, geometry, args, buffers);
  }
  void flush_caches() override { device_.flush_caches(); }
  Resources resources(const Program& program, const Geometry& geometry) const override {
    return device_.resources(program, geometry);
  }
  bool reports_resources() const override { return device_.reports_resources(); }
  void precompile(std::span<const KernelSource> sources) override { device_.precompile(sources); }
  void set_run_timeout(double milliseconds) override { device_.set_run_timeout(milliseconds); }
  PhaseObserver* phase_observer() override { return device_.phase_observer(); }
  std::vector<Metric> profile(Program& program, const Geometry& geometry,
                              std::span<const KernelArg> args, std::span<Buffer* const> buffers,
                              const CounterRequest& request) override {
    Launch launch(*this);
    return device_.profile(program, geometry, args, buffers, request);
  }
  std::string counters_problem() const override { return device_.counters_problem(); }
  std::string set_timer(const std::string& name) override { return device_.set_timer(name); }

 private:
  // {"type": "launch"} before, {"type": "launched"} after (also when the launch throws).
  class Launch {
   public:
    explicit Launch(AnnouncingDevice& device) : device_(device) {
      send_message(device_.fd_, Json{{"type", "launch"}});
      device_.faults_.at_launch();
    }
    ~Launch() {
      try {
        send_message(device_.fd_, Json{{"type", "launched"}});
      } catch (const std::exception&) {
        // The parent is gone; the next read ends the worker.
      }
    }
    Launch(const Launch&) = delete;
    Launch& operator=(const Launch&) = delete;

   private:
    AnnouncingDevice& device_;
  };

  Device& device_;
  int fd_;
  FaultInjection& faults_;
};

// Everything a worker holds, in the order it is built (and the reverse it is destroyed in).
struct Opened {
  const kernels::Family* family = nullptr;
  std::unique_ptr<Backend> backend;
  std::unique_ptr<Device> device;
  std::unique_ptr<AnnouncingDevice> announcing;
  std::unique_ptr<Space> space;
  std::unique_ptr<KernelEvaluator> evaluator;
  std::string timer_warning;
};

void open(Opened& o, const WorkerSpec& spec, int fd, FaultInjection& faults) {
  o.family = &kernels::find_family(spec.kernel);
  std::string why;
  o.backend = make_backend(spec.backend, &why);
  if (!o.backend) throw Error(why);
  o.device = o.backend->open(spec.device);
  try {
    o.timer_warning = o.device->set_timer(spec.timer);
  } catch (const UsageError& e) {
    throw TimerRefused(e.what());
  }
  o.announcing = std::make_unique<AnnouncingDevice>(*o.device, fd, faults);
  o.space = std::make_unique<Space>(o.family->space(spec.problem, o.device->info()));
  for (const auto& s : spec.sets) {
    const auto eq = s.find('=');
    o.space->fix(s.substr(0, eq), eq == std::string::npos ? "" : s.substr(eq + 1));
  }
  for (const auto& r : spec.restricts)
    o.space->add_constraint(r);
  o.evaluator = std::make_unique<KernelEvaluator>(*o.family, spec.problem, *o.space, *o.announcing,
                                                  spec.measure);
}

// {"type": "error", "usage": the user can fix it, "refused": "timer" or "", "message"}
Json error_message(const std::exception& e) {
  return Json{{"type", "error"},
              {"usage", dynamic_cast<const UsageError*>(&e) != nullptr},
              {"refused", dynamic_cast<const TimerRefused*>(&e) ? "timer" : ""},
              {"message", e.what()}};
}

}  // namespace

int serve_worker(int fd) {
  // Ignored, and blocked so that no thread a runtime starts later (PoCL's) can take it either.
  std::signal(SIGINT, SIG_IGN);
  sigset_t interrupt;
  sigemptyset(&interrupt);
  sigaddset(&interrupt, SIGINT);
  pthread_sigmask(SIG_BLOCK, &interrupt, nullptr);
  FaultInjection faults;
  try {
    faults = FaultInjection::from_environment();
  } catch (const Error& e) {
    std::cerr << "ktune worker: " << e.what() << '\n';
    return 2;
  }
  faults.at_start();
  Json request;
  if (receive_message(fd, request, std::nullopt) != Received::message) return 0;
  Opened o;
  try {
    open(o, request.at("spec").get<WorkerSpec>(), fd, faults);
  } catch (const std::exception& e) {
    send_message(fd, error_message(e));
    return 1;
  }
  send_message(fd, Json{{"type", "ready"},
                        {"device", o.device->info()},
                        {"timer_warning", o.timer_warning},
                        {"counters_problem", o.device->counters_problem()}});
  std::uint64_t evaluations = 0;
  while (receive_message(fd, request, std::nullopt) == Received::message) {
    try {
      const std::string type = request.at("type").get<std::string>();
      if (type == "evaluate") {
        const Config config = config_from_json(*o.space, request.at("config"));
        faults.arm(++evaluations, o.space->canonical(config));
        const Evaluation evaluation = o.evaluator->evaluate(config);
        send_message(fd, Json{{"type", "evaluation"},
                              {"evaluation", evaluation},
                              {"counters_problem", o.device->counters_problem()}});
      } else if (type == "sample") {
        const Config config = config_from_json(*o.space, request.at("config"));
        const auto samples = o.evaluator->sample(config, request.at("runs").get<int>());
        send_message(fd, Json{{"type", "samples"}, {"samples_ms", samples}});
      } else if (type == "prepare") {
        std::vector<Config> configs;
        for (const auto& c : request.at("configs"))
          configs.push_back(config_from_json(*o.space, c));
        o.evaluator->prepare_ahead(configs);
        send_message(fd, Json{{"type", "prepared"}});
      } else {
        throw Error("worker protocol: unknown request type '" + type + "'");
      }
    } catch (const std::exception& e) {
      // The device itself failed (ktune::Error) or the request was not understood: tell the
      // parent, which ends the session, and stop.
      send_message(fd, error_message(e));
      return 1;
    }
  }
  return 0;
}

}  // namespace ktune::profiles::isolation
