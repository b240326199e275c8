#include "profiles/cuda/cuda_device.hpp"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "core/error.hpp"
#include "profiles/cuda/cuda_api.hpp"
#include "profiles/cuda/cuda_errors.hpp"
#include "profiles/cuda/cupti/activity_timer.hpp"
#include "profiles/cuda/cupti/counter_profiler.hpp"
#include "profiles/cuda/cupti/cupti_check.hpp"
#include "profiles/cuda/cupti/degradation.hpp"
#include "profiles/cuda/nvrtc_compiler.hpp"
#include "profiles/cuda/nvtx_phases.hpp"
#include "profiles/cuda/occupancy.hpp"

namespace ktune::profiles::cuda {
namespace {

// Errors a launch reports before anything ran: the variant's request was refused, the context
// is intact.
Outcome launch_refusal(cudaError_t status) {
  switch (status) {
    case cudaErrorLaunchOutOfResources:
    case cudaErrorInvalidConfiguration:
      return Outcome::resource_exceeded;
    default:
      return Outcome::launch_error;
  }
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// The L2 flush: a read of a zeroed buffer twice the L2's size. Whatever the last kernel left in
// the L2, dirty lines included, is written back during the flush, and the L2 is left holding
// clean lines, so the next kernel's DRAM writes are its own (a memset would leave an L2 full of
// dirty lines, written back while the next kernel runs). The buffer holds zeros, so the store
// that keeps the loads alive never happens.
constexpr const char* kL2SweepEntry = "ktune_l2_read_sweep";
constexpr const char* kL2SweepCode = R"(
extern "C" __global__ void ktune_l2_read_sweep(const uint4* __restrict__ data,
                                               unsigned long long count, unsigned int* sink) {
  unsigned int bits = 0;
  const unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
  for (unsigned long long i = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x;
       i < count; i += stride) {
    const uint4 v = data[i];
    bits |= v.x | v.y | v.z | v.w;
  }
  if (bits != 0u) *sink = bits;
})";
constexpr unsigned kL2SweepThreads = 256;

// What buffers and programs share with the device that made them: they register here so a
// reset can rebuild them, and they outlive the device safely.
struct DeviceState;

class CudaBuffer final : public Buffer {
 public:
  CudaBuffer(std::shared_ptr<DeviceState> state, std::size_t bytes);
  CudaBuffer(const CudaBuffer&) = delete;
  CudaBuffer& operator=(const CudaBuffer&) = delete;
  ~CudaBuffer() override;
  std::size_t bytes() const override { return bytes_; }

  void* pointer = nullptr;
  std::vector<std::byte> shadow;  // the last contents written from the host

 private:
  std::shared_ptr<DeviceState> state_;
  std::size_t bytes_;
};

// Page-locked host memory (cudaMallocHost): copied by DMA, without the driver's staging copy.
class PinnedHostBuffer final : public HostBuffer {
 public:
  PinnedHostBuffer(void* pointer, std::size_t bytes) : pointer_(pointer), bytes_(bytes) {}
  PinnedHostBuffer(const PinnedHostBuffer&) = delete;
  PinnedHostBuffer& operator=(const PinnedHostBuffer&) = delete;
  ~PinnedHostBuffer() override { api().cudaFreeHost(pointer_); }  // an error leaks it, no more
  std::span<std::byte> bytes() override { return {static_cast<std::byte*>(pointer_), bytes_}; }

 private:
  void* pointer_;
  std::size_t bytes_;
};

class CudaProgram final : public Program {
 public:
  CudaProgram(std::shared_ptr<DeviceState> state, CompiledImage compiled, std::string entry);
  CudaProgram(const CudaProgram&) = delete;
  CudaProgram& operator=(const CudaProgram&) = delete;
  ~CudaProgram() override;

  void unload() noexcept;
  void forget() noexcept;  // the handles without unloading (a reset takes the library)

  CompiledImage compiled;
  std::string entry;
  cudaLibrary_t library = nullptr;
  cudaKernel_t kernel = nullptr;
  cudaFuncAttributes attributes{};  // of the loaded kernel
  int static_shared = 0;
  int barriers = 1;
  int dynamic_shared_opted_in = 0;

 private:
  std::shared_ptr<DeviceState> state_;
};

struct DeviceState {
  int ordinal = 0;
  bool alive = true;
  // A kernel faulted or ran past its timeout. Until the device is reset nothing the context holds
  // is freed or unloaded: those calls would wait for a kernel that may never end, and the reset
  // releases all of it.
  bool reset_pending = false;
  std::set<CudaBuffer*> buffers;
  std::set<CudaProgram*> programs;

  bool may_release() const { return alive && !reset_pending; }
};

CudaBuffer::CudaBuffer(std::shared_ptr<DeviceState> state, std::size_t bytes)
    : state_(std::move(state)), bytes_(bytes) {
  if (auto status = api().cudaMalloc(&pointer, std::max<std::size_t>(bytes, 1));
      status != cudaSuccess) {
    api().cudaGetLastError();
    throw Error(fmt::format("CUDA: cannot allocate {} bytes on device {}: {}", bytes,
                            state_->ordinal, status_text(status)));
  }
  state_->buffers.insert(this);
}

CudaBuffer::~CudaBuffer() {
  if (state_->may_release() && pointer) api().cudaFree(pointer);
  state_->buffers.erase(this);
}

CudaProgram::CudaProgram(std::shared_ptr<DeviceState> state, CompiledImage image, std::string name)
    : compiled(std::move(image)), entry(std::move(name)), state_(std::move(state)) {
  state_->programs.insert(this);
}

CudaProgram::~CudaProgram() {
  unload();
  state_->programs.erase(this);
}

void CudaProgram::unload() noexcept {
  if (library && state_->may_release()) api().cudaLibraryUnload(library);
  forget();
}

void CudaProgram::forget() noexcept {
  library = nullptr;
  kernel = nullptr;
  dynamic_shared_opted_in = 0;
}

// Forwards the runner's phase markers and remembers the variant in flight, so that CUPTI activity
// records (external correlation id) and counter ranges carry the variant number NVTX shows.
class VariantTracker final : public PhaseObserver {
 public:
  explicit VariantTracker(PhaseObserver& next) : next_(next) {}
  void begin(const VariantPhase& phase) override {
    variant_ = phase.variant;
    next_.begin(phase);
  }
  void end(const VariantPhase& phase) noexcept override { next_.end(phase); }
  std::uint64_t variant() const { return variant_; }

 private:
  PhaseObserver& next_;
  std::uint64_t variant_ = 0;
};

// The primary context of an ordinal is shared by every CudaDevice of the process on it; the last
// one closed releases it (cudaDeviceReset). ktune measures copies on a device it opens for that
// alone while its worker owns the device: on a GPU in exclusive-process mode a context left in
// ktune would stop the worker from creating its own, and elsewhere it would hold memory.
class ContextUse {
 public:
  explicit ContextUse(int ordinal) : ordinal_(ordinal) {
    const std::lock_guard lock(mutex());
    ++users()[ordinal_];
  }
  ContextUse(const ContextUse&) = delete;
  ContextUse& operator=(const ContextUse&) = delete;
  ~ContextUse() {
    const std::lock_guard lock(mutex());
    if (--users()[ordinal_] > 0 || already_reset_) return;
    if (api().cudaSetDevice(ordinal_) == cudaSuccess) api().cudaDeviceReset();
    api().cudaGetLastError();
  }
  void already_reset() { already_reset_ = true; }

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::map<int, int>& users() {
    static std::map<int, int> counts;
    return counts;
  }
  int ordinal_;
  bool already_reset_ = false;
};

class CudaDevice final : public Device {
 public:
  explicit CudaDevice(int ordinal)
      : context_use_(ordinal),
        state_(std::make_shared<DeviceState>()),
        info_(describe_device(ordinal)),
        arch_(device_architecture(ordinal)),
        compiler_(CompileCache(CompileCache::default_directory())),
        counters_(ordinal) {
    state_->ordinal = ordinal;
    target_ = choose_target(arch_.major * 10 + arch_.minor);
    sweep_ = std::make_unique<CudaProgram>(
        state_, compiler_.compile({kL2SweepEntry, kL2SweepCode, {}, {}}, target_), kL2SweepEntry);
    try {
      create_context_objects();
      load(*sweep_);
    } catch (...) {
      destroy_context_objects();
      throw;
    }
  }

  CudaDevice(const CudaDevice&) = delete;
  CudaDevice& operator=(const CudaDevice&) = delete;

  ~CudaDevice() override {
    if (state_->reset_pending) {
      // A kernel may still be running (a timeout): freeing would wait for it, the reset ends it.
      forget_context();
      api().cudaDeviceReset();
      context_use_.already_reset();
    } else {
      destroy_context_objects();
      for (auto* program : state_->programs)
        program->unload();
      for (auto* buffer : state_->buffers) {
        api().cudaFree(buffer->pointer);
        buffer->pointer = nullptr;
      }
    }
    state_->alive = false;
  }

  const DeviceInfo& info() const override { return info_; }

  std::unique_ptr<Program> compile(const KernelSource& source) override {
    recover_if_needed();
    auto program =
        std::make_unique<CudaProgram>(state_, compiler_.compile(source, target_), source.entry);
    program->compile_ms = program->compiled.compile_ms;
    program->log = program->compiled.log;
    load(*program);
    if (const auto& report = program->compiled.report) {
      program->resources = to_resources(*report);
      program->static_shared = report->shared_bytes;
      program->barriers = report->barriers;
    } else {
      // No ptxas report (PTX the driver finalised, or a compile NVRTC served from its own
      // cache): the loaded kernel's attributes, which know no spills.
      const auto& a = program->attributes;
      program->resources.registers = a.numRegs;
      program->resources.shared_bytes = static_cast<int>(a.sharedSizeBytes);
      program->resources.stack_bytes = static_cast<int>(a.localSizeBytes);
      program->resources.const_bytes = static_cast<int>(a.constSizeBytes);
      program->static_shared = static_cast<int>(a.sharedSizeBytes);
    }
    return program;
  }

  void precompile(std::span<const KernelSource> sources) override {
    compiler_.compile_all(sources, target_);
  }

  std::unique_ptr<Buffer> allocate(std::size_t bytes) override {
    recover_if_needed();
    return std::make_unique<CudaBuffer>(state_, bytes);
  }

  void write(Buffer& buffer, std::span<const std::byte> data) override {
    recover_if_needed();
    auto& b = cuda_buffer(buffer);
    if (data.size() > b.bytes())
      throw Error(
          fmt::format("CUDA: writing {} bytes into a buffer of {}", data.size(), b.bytes()));
    b.shadow.assign(data.begin(), data.end());
    copy_in(b);
  }

  void read(const Buffer& buffer, std::span<std::byte> data) override {
    recover_if_needed();
    const auto& b = cuda_buffer(const_cast<Buffer&>(buffer));
    if (data.size() > b.bytes())
      throw Error(
          fmt::format("CUDA: reading {} bytes from a buffer of {}", data.size(), b.bytes()));
    check(
        api().cudaMemcpyAsync(data.data(), b.pointer, data.size(), cudaMemcpyDeviceToHost, stream_),
        "copying from the device");
    check(api().cudaStreamSynchronize(stream_), "copying from the device");
  }

  bool has_pinned_memory() const override { return true; }

  std::unique_ptr<HostBuffer> allocate_host(std::size_t bytes, HostMemory memory) override {
    if (memory == HostMemory::pageable) return Device::allocate_host(bytes, memory);
    recover_if_needed();
    void* pointer = nullptr;
    check(api().cudaMallocHost(&pointer, bytes), "allocating pinned host memory");
    return std::make_unique<PinnedHostBuffer>(pointer, bytes);
  }

  // cudaMemcpyAsync on the device's stream between its two events: the copy as the GPU saw it.
  double timed_copy(Buffer& buffer, std::span<std::byte> host, CopyDirection direction) override {
    recover_if_needed();
    auto& b = cuda_buffer(buffer);
    if (host.size() > b.bytes())
      throw Error(
          fmt::format("CUDA: copying {} bytes with a buffer of {}", host.size(), b.bytes()));
    check(api().cudaEventRecord(start_, stream_), "recording the start event");
    const bool in = direction == CopyDirection::host_to_device;
    check(in ? api().cudaMemcpyAsync(b.pointer, host.data(), host.size(), cudaMemcpyHostToDevice,
                                     stream_)
             : api().cudaMemcpyAsync(host.data(), b.pointer, host.size(), cudaMemcpyDeviceToHost,
                                     stream_),
          in ? "copying to the device" : "copying from the device");
    check(api().cudaEventRecord(stop_, stream_), "recording the stop event");
    wait_for_stop();
    float ms = 0;
    check(api().cudaEventElapsedTime(&ms, start_, stop_), "reading the event timer");
    return ms;
  }

  Resources resources(const Program& program, const Geometry& geometry) const override {
    Resources r = program.resources;
    const auto& p = static_cast<const CudaProgram&>(program);
    const auto o = occupancy(p, geometry);
    r.theoretical_occupancy = o.fraction;
    r.occupancy_limiter = std::string(to_string(o.limiter));
    return r;
  }
  bool reports_resources() const override { return true; }

  double run(Program& program, const Geometry& geometry, std::span<const KernelArg> args,
             std::span<Buffer* const> buffers) override {
    if (!activity_timer_) return event_timed_run(program, geometry, args, buffers);
    return classify_cupti_failures([&] {
      return activity_timer_->time_ms(phases_.variant(),
                                      [&] { event_timed_run(program, geometry, args, buffers); });
    });
  }

  // Counters from the CUPTI range profiler, tracing paused; each pass starts from a flushed L2.
  std::vector<Metric> profile(Program& program, const Geometry& geometry,
                              std::span<const KernelArg> args, std::span<Buffer* const> buffers,
                              const CounterRequest& request) override {
    std::optional<cupti::ActivityTimer::Pause> tracing_off;
    if (activity_timer_) tracing_off.emplace(*activity_timer_);
    return classify_cupti_failures([&] {
      return counters_.collect(
          {request.flop_counts, request.extra_metrics},
          fmt::format("ktune variant {}", phases_.variant()),
          [&] {
            flush_caches();
            check(api().cudaStreamSynchronize(stream_), "flushing the L2 cache");
          },
          [&] { event_timed_run(program, geometry, args, buffers); });
    });
  }
  std::string counters_problem() const override { return counters_.problem(); }

  std::string set_timer(const std::string& name) override {
    if (name == "events") {
      activity_timer_.reset();
      return {};
    }
    if (name != "cupti")
      throw UsageError(fmt::format("unknown timer '{}' (accepted: events, cupti)", name));
    try {
      activity_timer_ = std::make_unique<cupti::ActivityTimer>();
    } catch (const cupti::CuptiError& e) {
      // The machine may refuse tracing (another tool attached, an old driver): events time
      // instead. Any other failure is a defect, not a reason to time differently.
      if (!cupti::environment_problem(e.code())) throw;
      return fmt::format("the CUPTI activity timer cannot start ({}); timing with CUDA events",
                         e.what());
    }
    return {};
  }

  // One launch between two CUDA events, waited for; the events' elapsed time.
  double event_timed_run(Program& program, const Geometry& geometry,
                         std::span<const KernelArg> args, std::span<Buffer* const> buffers) {
    recover_if_needed();
    auto* p = dynamic_cast<CudaProgram*>(&program);
    if (!p) throw Error("CUDA: run() was given a program another device compiled");
    load(*p);
    if (const auto o = occupancy(*p, geometry); o.active_blocks == 0)
      throw VariantFailure(Outcome::resource_exceeded, o.why_not);
    opt_in_shared_memory(*p, geometry);

    // Kernel parameters: each points at a value of the parameter's own type.
    std::vector<void*> pointers(args.size());
    std::vector<std::int32_t> ints(args.size());
    std::vector<float> floats(args.size());
    std::vector<void*> argv(args.size());
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (const auto* b = std::get_if<BufferArg>(&args[i])) {
        if (b->index >= buffers.size())
          throw Error(
              fmt::format("CUDA: argument {} names buffer {} of {}", i, b->index, buffers.size()));
        pointers[i] = cuda_buffer(*buffers[b->index]).pointer;
        argv[i] = &pointers[i];
      } else if (const auto* n = std::get_if<std::int32_t>(&args[i])) {
        ints[i] = *n;
        argv[i] = &ints[i];
      } else {
        floats[i] = std::get<float>(args[i]);
        argv[i] = &floats[i];
      }
    }
    const dim3 grid(geometry.grid[0], geometry.grid[1], geometry.grid[2]);
    const dim3 block(geometry.block[0], geometry.block[1], geometry.block[2]);
    check(api().cudaEventRecord(start_, stream_), "recording the start event");
    const cudaError_t launched =
        api().cudaLaunchKernel(reinterpret_cast<const void*>(p->kernel), grid, block, argv.data(),
                               geometry.dynamic_shared_bytes, stream_);
    if (launched != cudaSuccess) {
      if (poisons_context(launched)) fail(launched, "launching the kernel");
      api().cudaGetLastError();
      if (image_error(launched)) {
        p->unload();
        throw VariantFailure(Outcome::compile_error,
                             fmt::format("the driver cannot run the {} image of '{}': {}",
                                         p->compiled.target, p->entry, status_text(launched)));
      }
      // A refused launch leaves the context intact, but an earlier kernel's fault may only be
      // reported now.
      if (const auto earlier = api().cudaStreamQuery(stream_); poisons_context(earlier))
        fail(earlier, "launching the kernel");
      throw VariantFailure(launch_refusal(launched),
                           fmt::format("launch refused: {}", status_text(launched)));
    }
    check(api().cudaEventRecord(stop_, stream_), "recording the stop event");
    wait_for_stop();
    float ms = 0;
    check(api().cudaEventElapsedTime(&ms, start_, stop_), "reading the event timer");
    return ms;
  }

  void flush_caches() override {
    recover_if_needed();
    load(*sweep_);
    void* data = flush_buffer_;
    unsigned long long count = flush_bytes_ / 16;
    void* sink = flush_buffer_;
    void* argv[] = {&data, &count, &sink};
    const auto blocks = static_cast<unsigned>(std::max(1, 4 * info_.compute_units));
    check(api().cudaLaunchKernel(reinterpret_cast<const void*>(sweep_->kernel), dim3(blocks),
                                 dim3(kL2SweepThreads), argv, 0, stream_),
          "flushing the L2 cache");
  }

  void set_run_timeout(double milliseconds) override { timeout_ms_ = milliseconds; }
  PhaseObserver* phase_observer() override { return &phases_; }

 private:
  static std::string choose_target(int cc) {
    if (nvrtc_supports(cc)) return fmt::format("sm_{}", cc);
    // A GPU newer than this NVRTC: PTX for the newest architecture it knows, which the driver
    // compiles for the device when loading it.
    int best = 0;
    for (int a : nvrtc_architectures())
      if (a <= cc) best = std::max(best, a);
    if (best == 0)
      throw Error(
          fmt::format("CUDA: NVRTC {} cannot compile for sm_{} (its oldest target is newer)",
                      nvrtc_version(), cc));
    return fmt::format("compute_{}", best);
  }

  static CudaBuffer& cuda_buffer(Buffer& buffer) {
    auto* b = dynamic_cast<CudaBuffer*>(&buffer);
    if (!b) throw Error("CUDA: a buffer of another device was passed");
    return *b;
  }

  // A call failed. A context-poisoning error, whichever call reports it, is a kernel's fault:
  // the variant's launch_error, and the device is reset before its next operation. Anything else
  // is the device's own failure.
  [[noreturn]] void fail(cudaError_t status, std::string_view what) {
    if (poisons_context(status)) {
      state_->reset_pending = true;
      throw VariantFailure(Outcome::launch_error,
                           fmt::format("the kernel failed: {} (reported while {}); the device is "
                                       "reset and its buffers restored before the next variant",
                                       status_text(status), what));
    }
    api().cudaGetLastError();
    throw Error(fmt::format("CUDA: {}: {}", what, status_text(status)));
  }

  void check(cudaError_t status, std::string_view what) {
    if (status != cudaSuccess) fail(status, what);
  }

  // CUPTI code reports failures as exceptions. A failed cudart call there is classified like the
  // device's own; after a failed CUPTI call the context is probed, so that a kernel fault CUPTI
  // met first is the variant's launch_error here too.
  template <class Body>
  auto classify_cupti_failures(Body&& body) -> decltype(body()) {
    try {
      return body();
    } catch (const CudaCallError& e) {
      fail(e.status(), e.call());
    } catch (const cupti::CuptiError& e) {
      if (const auto status = api().cudaStreamQuery(stream_); poisons_context(status))
        fail(status, "calling " + e.call());
      throw;
    }
  }

  // Loads the image and the kernel into the context now. With lazy loading (the default) the
  // driver would report an image it cannot run (no code for this GPU, invalid PTX, a JIT
  // failure) only at the first launch: it is the variant's compile error, not a launch error.
  void load(CudaProgram& p) {
    if (p.library) return;
    // PTX must be NUL-terminated; the cubin is used as is.
    if (p.compiled.ptx && (p.compiled.image.empty() || p.compiled.image.back() != '\0'))
      p.compiled.image.push_back('\0');
    auto status = api().cudaLibraryLoadData(&p.library, p.compiled.image.data(), nullptr, nullptr,
                                            0, nullptr, nullptr, 0);
    if (status == cudaSuccess)
      status = api().cudaLibraryGetKernel(&p.kernel, p.library, p.entry.c_str());
    if (status == cudaSuccess)
      status = api().cudaFuncGetAttributes(&p.attributes, reinterpret_cast<const void*>(p.kernel));
    if (status == cudaSuccess) return;
    if (poisons_context(status)) {
      p.forget();
      fail(status, "loading a kernel");
    }
    api().cudaGetLastError();
    p.unload();
    throw VariantFailure(Outcome::compile_error,
                         fmt::format("CUDA: the driver cannot load the {} image of '{}': {}",
                                     p.compiled.target, p.entry, status_text(status)));
  }

  Occupancy occupancy(const CudaProgram& p, const Geometry& geometry) const {
    LaunchUsage usage;
    usage.threads_per_block = static_cast<int>(geometry.threads_per_block());
    usage.registers_per_thread = p.resources.registers.value_or(0);
    usage.static_shared_bytes = static_cast<std::uint32_t>(p.static_shared);
    usage.dynamic_shared_bytes = geometry.dynamic_shared_bytes;
    usage.barriers = p.barriers;
    return theoretical_occupancy(arch_, usage);
  }

  void opt_in_shared_memory(CudaProgram& p, const Geometry& geometry) {
    const auto dynamic = static_cast<int>(geometry.dynamic_shared_bytes);
    if (dynamic <= p.dynamic_shared_opted_in ||
        static_cast<std::uint64_t>(p.static_shared) + geometry.dynamic_shared_bytes <=
            info_.shared_memory_per_block)
      return;
    const auto status =
        api().cudaFuncSetAttribute(reinterpret_cast<const void*>(p.kernel),
                                   cudaFuncAttributeMaxDynamicSharedMemorySize, dynamic);
    if (status != cudaSuccess) {
      if (poisons_context(status)) fail(status, "opting in to dynamic shared memory");
      api().cudaGetLastError();
      throw VariantFailure(Outcome::resource_exceeded,
                           fmt::format("{} bytes of dynamic shared memory refused: {}", dynamic,
                                       status_text(status)));
    }
    p.dynamic_shared_opted_in = dynamic;
  }

  // Waits for the stop event; polls so that a hung kernel becomes a timeout, not a hang.
  void wait_for_stop() {
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
      const cudaError_t status = api().cudaEventQuery(stop_);
      if (status == cudaSuccess) return;
      if (status != cudaErrorNotReady) fail(status, "waiting for the kernel");
      const double waited = ms_since(start);
      if (waited > timeout_ms_) {
        state_->reset_pending = true;  // the only way to stop a running kernel
        throw VariantFailure(Outcome::timeout,
                             fmt::format("a run took over the {:.0f} ms timeout; the device is "
                                         "reset before the next variant",
                                         timeout_ms_));
      }
      if (waited < 1.0)
        std::this_thread::yield();
      else
        std::this_thread::sleep_for(std::chrono::microseconds(waited < 100 ? 20 : 500));
    }
  }

  void create_context_objects() {
    check(api().cudaSetDevice(state_->ordinal), "selecting the device");
    check(api().cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "creating a stream");
    check(api().cudaEventCreate(&start_), "creating an event");
    check(api().cudaEventCreate(&stop_), "creating an event");
    // Twice the L2, so no replacement policy can keep the kernel's data resident; zeroed, which
    // the sweep relies on (see kL2SweepCode).
    flush_bytes_ = std::max<std::size_t>(2 * info_.l2_bytes, 1 << 20);
    check(api().cudaMalloc(&flush_buffer_, flush_bytes_), "allocating the L2 flush buffer");
    check(api().cudaMemsetAsync(flush_buffer_, 0, flush_bytes_, stream_),
          "clearing the L2 flush buffer");
    check(api().cudaStreamSynchronize(stream_), "clearing the L2 flush buffer");
  }

  void destroy_context_objects() noexcept {
    if (flush_buffer_) api().cudaFree(flush_buffer_);
    if (start_) api().cudaEventDestroy(start_);
    if (stop_) api().cudaEventDestroy(stop_);
    if (stream_) api().cudaStreamDestroy(stream_);
    flush_buffer_ = nullptr;
    start_ = stop_ = nullptr;
    stream_ = nullptr;
  }

  // Drops every handle of the context without releasing it: the reset that follows does.
  void forget_context() noexcept {
    flush_buffer_ = nullptr;
    start_ = stop_ = nullptr;
    stream_ = nullptr;
    for (auto* program : state_->programs)
      program->forget();
    for (auto* buffer : state_->buffers)
      buffer->pointer = nullptr;
  }

  void copy_in(CudaBuffer& b) {
    if (b.shadow.empty()) {
      check(api().cudaMemsetAsync(b.pointer, 0, b.bytes(), stream_), "clearing a buffer");
    } else {
      check(api().cudaMemcpyAsync(b.pointer, b.shadow.data(), b.shadow.size(),
                                  cudaMemcpyHostToDevice, stream_),
            "copying to the device");
    }
    check(api().cudaStreamSynchronize(stream_), "copying to the device");
  }

  // After a kernel fault or a timeout: reset the device (ending any kernel still running; in a
  // worker process this is a kill instead), then rebuild what the runner holds: buffers from
  // their host copies, programs on next use. The reset stays pending until all of it succeeded,
  // so a failure here is retried by the next operation.
  void recover_if_needed() {
    if (!state_->reset_pending) return;
    forget_context();
    if (const auto status = api().cudaDeviceReset(); status != cudaSuccess)
      throw Error(fmt::format("CUDA: the device cannot be reset after a failed kernel: {}",
                              status_text(status)));
    api().cudaGetLastError();
    state_->reset_pending = false;
    try {
      create_context_objects();
      for (auto* buffer : state_->buffers) {
        check(api().cudaMalloc(&buffer->pointer, std::max<std::size_t>(buffer->bytes(), 1)),
              "re-allocating a buffer after a reset");
        copy_in(*buffer);
      }
    } catch (...) {
      state_->reset_pending = true;
      throw;
    }
  }

  ContextUse context_use_;  // first in, last out: released after everything below
  std::shared_ptr<DeviceState> state_;
  DeviceInfo info_;
  Architecture arch_;
  NvrtcCompiler compiler_;
  std::string target_;
  NvtxPhaseObserver nvtx_;
  VariantTracker phases_{nvtx_};
  cudaStream_t stream_ = nullptr;
  cudaEvent_t start_ = nullptr;
  cudaEvent_t stop_ = nullptr;
  void* flush_buffer_ = nullptr;
  std::size_t flush_bytes_ = 0;
  std::unique_ptr<CudaProgram> sweep_;  // the L2 flush kernel
  double timeout_ms_ = 10'000;
  cupti::CounterProfiler counters_;
  std::unique_ptr<cupti::ActivityTimer> activity_timer_;
};

cudaDeviceProp properties(int index) {
  cudaDeviceProp prop{};
  if (auto status = api().cudaGetDeviceProperties(&prop, index); status != cudaSuccess)
    throw Error(fmt::format("CUDA: cannot read the properties of device {}: {}", index,
                            status_text(status)));
  return prop;
}

}  // namespace

Architecture device_architecture(int index) {
  const cudaDeviceProp prop = properties(index);
  Architecture a = architecture_for(prop.major, prop.minor);
  a.warp_size = prop.warpSize;
  a.max_threads_per_block = prop.maxThreadsPerBlock;
  a.max_threads_per_sm = prop.maxThreadsPerMultiProcessor;
  a.max_blocks_per_sm = prop.maxBlocksPerMultiProcessor;
  a.registers_per_sm = prop.regsPerMultiprocessor;
  a.registers_per_block = prop.regsPerBlock;
  a.shared_per_sm = static_cast<std::uint32_t>(prop.sharedMemPerMultiprocessor);
  a.shared_per_block = static_cast<std::uint32_t>(prop.sharedMemPerBlock);
  a.shared_per_block_optin = static_cast<std::uint32_t>(prop.sharedMemPerBlockOptin);
  a.reserved_shared_per_block = static_cast<std::uint32_t>(prop.reservedSharedMemPerBlock);
  return a;
}

DeviceInfo describe_device(int index) {
  const cudaDeviceProp prop = properties(index);
  auto attribute = [index](cudaDeviceAttr attr) {
    int value = 0;
    if (api().cudaDeviceGetAttribute(&value, attr, index) != cudaSuccess) api().cudaGetLastError();
    return value;
  };
  DeviceInfo info;
  info.backend = "cuda";
  info.index = index;
  info.name = prop.name;
  info.vendor = "NVIDIA";
  info.architecture = fmt::format("sm_{}{}", prop.major, prop.minor);
  int driver = 0, runtime = 0;
  api().cudaDriverGetVersion(&driver);
  api().cudaRuntimeGetVersion(&runtime);
  info.driver_version = fmt::format("{}.{}", driver / 1000, (driver % 1000) / 10);
  info.runtime_version = fmt::format("{}.{}", runtime / 1000, (runtime % 1000) / 10);
  info.compute_units = prop.multiProcessorCount;
  info.global_memory_bytes = prop.totalGlobalMem;
  info.max_allocation_bytes = prop.totalGlobalMem;
  info.shared_memory_per_block = prop.sharedMemPerBlock;
  info.shared_memory_per_block_optin = prop.sharedMemPerBlockOptin;
  info.l2_bytes = static_cast<std::uint64_t>(prop.l2CacheSize);
  info.max_threads_per_block = prop.maxThreadsPerBlock;
  for (int d = 0; d < 3; ++d)
    info.max_block_dim[d] = prop.maxThreadsDim[d];
  info.warp_size = prop.warpSize;
  // CUDA 13 removed cudaDeviceProp::clockRate/memoryClockRate: read the attributes (kHz).
  const int clock_khz = attribute(cudaDevAttrClockRate);
  const int memory_khz = attribute(cudaDevAttrMemoryClockRate);
  const int bus_bits = attribute(cudaDevAttrGlobalMemoryBusWidth);
  info.clock_mhz = clock_khz / 1000.0;
  // Double data rate: two transfers per memory clock over the bus (as nvbench computes it).
  info.peak_bandwidth_gbs = 2.0 * memory_khz * 1e3 * (bus_bits / 8.0) / 1e9;
  // An FMA is two FLOPs per FP32 lane per cycle, at the peak (boost) clock the driver reports.
  const int lanes = architecture_for(prop.major, prop.minor).fp32_lanes_per_sm;
  info.peak_gflops_fp32 = 2.0 * lanes * prop.multiProcessorCount * clock_khz / 1e6;
  return info;
}

std::unique_ptr<Device> open_device(int index) {
  return std::make_unique<CudaDevice>(index);
}

}  // namespace ktune::profiles::cuda
