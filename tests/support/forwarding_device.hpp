#pragma once
// A Device that passes every call to another one: tests derive from it and override only what
// they record or play (a backend with counters, resources or an NVTX observer) on top of the
// real OpenCL device.
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "profiles/device.hpp"

namespace ktune::test {

class ForwardingDevice : public profiles::Device {
 public:
  explicit ForwardingDevice(std::unique_ptr<profiles::Device> owned)
      : owned_(std::move(owned)), inner_(*owned_) {}
  explicit ForwardingDevice(profiles::Device& inner) : inner_(inner) {}

  const DeviceInfo& info() const override { return inner_.info(); }
  std::unique_ptr<profiles::Program> compile(const KernelSource& source) override {
    return inner_.compile(source);
  }
  std::unique_ptr<profiles::Buffer> allocate(std::size_t bytes) override {
    return inner_.allocate(bytes);
  }
  void write(profiles::Buffer& buffer, std::span<const std::byte> data) override {
    inner_.write(buffer, data);
  }
  void read(const profiles::Buffer& buffer, std::span<std::byte> data) override {
    inner_.read(buffer, data);
  }
  double run(profiles::Program& program, const Geometry& geometry, std::span<const KernelArg> args,
             std::span<profiles::Buffer* const> buffers) override {
    return inner_.run(program, geometry, args, buffers);
  }
  void flush_caches() override { inner_.flush_caches(); }
  Resources resources(const profiles::Program& program, const Geometry& geometry) const override {
    return inner_.resources(program, geometry);
  }
  bool reports_resources() const override { return inner_.reports_resources(); }
  void precompile(std::span<const KernelSource> sources) override { inner_.precompile(sources); }
  void set_run_timeout(double milliseconds) override { inner_.set_run_timeout(milliseconds); }
  profiles::PhaseObserver* phase_observer() override { return inner_.phase_observer(); }
  std::vector<Metric> profile(profiles::Program& program, const Geometry& geometry,
                              std::span<const KernelArg> args,
                              std::span<profiles::Buffer* const> buffers,
                              const profiles::CounterRequest& request) override {
    return inner_.profile(program, geometry, args, buffers, request);
  }
  std::string counters_problem() const override { return inner_.counters_problem(); }
  std::string set_timer(const std::string& name) override { return inner_.set_timer(name); }

 private:
  std::unique_ptr<profiles::Device> owned_;
  profiles::Device& inner_;
};

}  // namespace ktune::test
