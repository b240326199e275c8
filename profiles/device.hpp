#pragma once
// The backend seam: the few operations the runner needs from a compute API. OpenCL and CUDA
// implement it (profiles/opencl, profiles/cuda); nothing above profiles/ knows which one runs.
//
//   compile(source) -> Program     (OpenCL: clBuildProgram; CUDA: NVRTC -> cubin -> module)
//   allocate / write / read        (device buffers)
//   run(program, geometry, args)   (one launch, waited for, timed on the device)
//
// Failures that end one variant throw VariantFailure with its outcome (compile_error,
// launch_error, resource_exceeded); failures of the device itself throw ktune::Error.
#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/device_info.hpp"
#include "core/error.hpp"
#include "core/evaluation.hpp"
#include "core/launch.hpp"
#include "core/transfer.hpp"
#include "profiles/phase_observer.hpp"

namespace ktune::profiles {

// A compiled kernel, ready to launch on the device that compiled it.
class Program {
 public:
  virtual ~Program() = default;
  double compile_ms = 0;  // wall time of the compilation (0 when served from a cache)
  std::string log;        // compiler messages, if any
  Resources resources;    // what the compiler reported (empty where the backend cannot tell)
};

// What Device::profile() collects besides the backend's standard set of counters.
struct CounterRequest {
  bool flop_counts = false;                // instruction-based FLOP counts (CUDA: an extra pass)
  std::vector<std::string> extra_metrics;  // by the backend's own names (CUDA: CUPTI metrics)
};

class Buffer {
 public:
  virtual ~Buffer() = default;
  virtual std::size_t bytes() const = 0;
};

// Host memory a copy goes from or into: ordinary (pageable) or page-locked (pinned).
class HostBuffer {
 public:
  virtual ~HostBuffer() = default;
  virtual std::span<std::byte> bytes() = 0;
};

// The pageable host memory every backend has.
class PageableHostBuffer final : public HostBuffer {
 public:
  explicit PageableHostBuffer(std::size_t bytes) : data_(bytes) {}
  std::span<std::byte> bytes() override { return data_; }

 private:
  std::vector<std::byte> data_;
};

class Device {
 public:
  virtual ~Device() = default;
  virtual const DeviceInfo& info() const = 0;

  virtual std::unique_ptr<Program> compile(const KernelSource& source) = 0;
  virtual std::unique_ptr<Buffer> allocate(std::size_t bytes) = 0;
  virtual void write(Buffer& buffer, std::span<const std::byte> data) = 0;
  virtual void read(const Buffer& buffer, std::span<std::byte> data) = 0;

  // Launches once with `args` (BufferArg indexes `buffers`), waits for completion and returns the
  // kernel's duration in milliseconds as the device measured it (events / profiling info).
  virtual double run(Program& program, const Geometry& geometry, std::span<const KernelArg> args,
                     std::span<Buffer* const> buffers) = 0;

  // Copies between host and device memory, timed (profiles/transfers.hpp measures a kernel's).
  // True where the backend has page-locked host memory (CUDA: cudaMallocHost).
  virtual bool has_pinned_memory() const { return false; }
  // Host memory for copies; throws Error for pinned memory where the backend has none.
  // (Defined here, not in profiles/: the backends are built below the profiles library.)
  virtual std::unique_ptr<HostBuffer> allocate_host(std::size_t bytes, HostMemory memory) {
    if (memory == HostMemory::pinned)
      throw Error("the " + info().backend + " backend has no pinned host memory");
    return std::make_unique<PageableHostBuffer>(bytes);
  }
  // One copy of host.size() bytes from `host` into `buffer` (host_to_device) or back, waited for;
  // its duration in milliseconds as the device timed it. The default times write() and read()
  // on the host's clock.
  virtual double timed_copy(Buffer& buffer, std::span<std::byte> host, CopyDirection direction) {
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    if (direction == CopyDirection::host_to_device)
      write(buffer, host);
    else
      read(buffer, host);
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  }

  // Evicts the device caches between timed runs where the backend can (CUDA: L2 flush).
  virtual void flush_caches() {}

  // Optional hooks; the defaults suit a backend that has nothing to add (OpenCL).
  // The program's resources completed with what depends on the launch (CUDA: theoretical
  // occupancy and its limiter on this device).
  virtual Resources resources(const Program& program, const Geometry& geometry) const {
    (void)geometry;
    return program.resources;
  }
  // True when compile() reports registers, spills and shared memory (what --prune judges).
  virtual bool reports_resources() const { return false; }
  // Compiles ahead, in parallel where it can, so later compile() calls hit its cache; failures
  // are left for compile() to report.
  virtual void precompile(std::span<const KernelSource> sources) { (void)sources; }
  // A run() longer than this is abandoned (VariantFailure timeout) where the backend can wait
  // with a deadline.
  virtual void set_run_timeout(double milliseconds) { (void)milliseconds; }
  // Marks the runner's phases on the backend's timeline (CUDA: NVTX ranges), or nullptr.
  virtual PhaseObserver* phase_observer() { return nullptr; }

  // Hardware counters of one more launch, run apart from the timed ones (the runner calls it
  // after timing, never during): measured metrics (profiles/metrics/names.hpp). Empty where the
  // backend has no counters or they are unavailable; counters_problem() then says why.
  virtual std::vector<Metric> profile(Program& program, const Geometry& geometry,
                                      std::span<const KernelArg> args,
                                      std::span<Buffer* const> buffers,
                                      const CounterRequest& request) {
    (void)program;
    (void)geometry;
    (void)args;
    (void)buffers;
    (void)request;
    return {};
  }
  // One line: why profile() returns nothing and how to fix it; empty while counters work.
  virtual std::string counters_problem() const {
    return "hardware counters need the CUDA backend (CUPTI); " + info().backend +
           " reports time and the kernel's analytic bytes and FLOPs";
  }
  // How run() times kernels: "events" (the default) or the backend's own ("cupti" on CUDA, the
  // Activity API). Returns a warning when that timer cannot work here and events stay in use;
  // throws UsageError for a timer the backend does not have.
  virtual std::string set_timer(const std::string& name) {
    if (name != "events")
      throw UsageError(name + ": the " + info().backend + " backend has only the 'events' timer");
    return {};
  }
};

// What a backend found: its devices, or why there are none.
struct Discovery {
  std::vector<DeviceInfo> devices;
  std::string problem;  // empty when the backend works; else one line: why no devices
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  virtual Discovery discover() = 0;
  virtual std::unique_ptr<Device> open(int index) = 0;  // throws UsageError for a bad index
};

}  // namespace ktune::profiles
