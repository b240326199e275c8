#include "tests/unit/profiles/cuda/fault/fake_runtime.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace ktune::test {

struct FakeRuntime::Object {
  std::string kind;  // stream, event, library, kernel
  std::string name;  // a kernel's entry
  int generation = 0;
  Event event;
  std::string image;        // a library's code
  bool in_context = false;  // a kernel loaded into the context (lazy loading)
};

namespace {

FakeRuntime* g_fake = nullptr;
std::mutex g_nvrtc_mutex;  // NVRTC may be called from compile_all's threads
const profiles::cuda::Api kReal{};

int fake_context_tag = 0;  // the address stands for the one CUcontext

// The size of the code cudaLibraryLoadData was given: a cubin's ELF extent, or PTX text.
std::size_t image_size(const void* code) {
  const auto* bytes = static_cast<const unsigned char*>(code);
  if (std::memcmp(bytes,
                  "\x7f"
                  "ELF",
                  4) != 0)
    return std::strlen(static_cast<const char*>(code));
  auto field = [&](std::size_t offset, std::size_t size) {
    std::uint64_t value = 0;
    std::memcpy(&value, bytes + offset, size);
    return value;
  };
  const auto sections = field(0x28, 8) + field(0x3c, 2) * field(0x3a, 2);
  const auto segments = field(0x20, 8) + field(0x38, 2) * field(0x36, 2);
  return static_cast<std::size_t>(std::max(sections, segments));
}

template <class T>
T* as(void* object) {
  return reinterpret_cast<T*>(object);
}

}  // namespace

FakeRuntime& fake() {
  if (!g_fake) throw std::logic_error("no FakeRuntime is installed");
  return *g_fake;
}

cudaError_t FakeRuntime::enter(const char* call) {
  calls_.emplace_back(call);
  if (sticky_ != cudaSuccess) return sticky_;
  auto [first, last] = script_.equal_range(call);
  for (auto it = first; it != last; ++it) {
    if (--it->second.remaining != 0) continue;
    const auto status = static_cast<cudaError_t>(it->second.status);
    if (it->second.poisons) sticky_ = status;
    last_error_ = status;
    script_.erase(it);
    return status;
  }
  return cudaSuccess;
}

CUptiResult FakeRuntime::enter_cupti(const char* call) {
  calls_.emplace_back(call);
  auto [first, last] = script_.equal_range(call);
  for (auto it = first; it != last; ++it) {
    if (--it->second.remaining != 0) continue;
    const bool poisons = it->second.poisons;
    auto status = static_cast<CUptiResult>(it->second.status);
    if (poisons) {
      sticky_ = static_cast<cudaError_t>(it->second.status);
      status = CUPTI_ERROR_UNKNOWN;
    }
    script_.erase(it);
    return status;
  }
  return CUPTI_SUCCESS;
}

bool FakeRuntime::waits_forever(const char* call) {
  if (!endless_running_) return false;
  problem(fmt::format("{} would wait forever for the endless kernel", call));
  return true;
}

void* FakeRuntime::make_object(std::string kind, std::string name) {
  auto o = std::make_unique<Object>();
  o->kind = std::move(kind);
  o->name = std::move(name);
  o->generation = generation_;
  void* handle = o.get();
  objects_.emplace(handle, std::move(o));
  return handle;
}

FakeRuntime::Object* FakeRuntime::object(void* handle, const char* call) {
  auto it = objects_.find(handle);
  if (it == objects_.end()) {
    problem(fmt::format("{}: a handle the fake never gave out", call));
    return nullptr;
  }
  if (it->second->generation != generation_) {
    problem(fmt::format("{}: a {} from before the reset", call, it->second->kind));
    return nullptr;
  }
  return it->second.get();
}

std::byte* FakeRuntime::device_memory(const void* pointer, std::size_t bytes, const char* call) {
  const auto* p = static_cast<const std::byte*>(pointer);
  auto it = memory_.upper_bound(const_cast<std::byte*>(p));
  if (it != memory_.begin()) {
    --it;
    if (p >= it->first && p + bytes <= it->first + it->second) return const_cast<std::byte*>(p);
  }
  problem(fmt::format("{}: {} bytes at {} are not device memory{}", call, bytes, pointer,
                      freed_by_reset_.contains(pointer) ? " (freed by the reset)" : ""));
  return nullptr;
}

// The table: each entry is a captureless lambda that forwards to the installed fake.
FakeRuntime::FakeRuntime() {
  if (g_fake) throw std::logic_error("one FakeRuntime at a time");
  g_fake = this;
  auto& t = table_;

  // --- device and driver
  t.cudaGetDeviceCount = [](int* count) {
    auto& f = fake();
    f.calls_.emplace_back("cudaGetDeviceCount");
    *count = f.device_count_status_ == cudaSuccess ? 1 : 0;
    return f.device_count_status_;
  };
  t.cudaDriverGetVersion = [](int* version) {
    *version = fake().driver_version_;
    return cudaSuccess;
  };
  t.cudaGetDeviceProperties = [](cudaDeviceProp* p, int device) {
    if (auto s = fake().enter("cudaGetDeviceProperties")) return s;
    if (device != 0) return cudaErrorInvalidDevice;
    *p = cudaDeviceProp{};
    std::strcpy(p->name, "Fake H100 (ktune tests)");
    p->major = 9;
    p->minor = 0;
    p->multiProcessorCount = 132;
    p->totalGlobalMem = std::size_t{80} << 30;
    p->l2CacheSize = 4 << 20;
    p->warpSize = 32;
    p->maxThreadsPerBlock = 1024;
    p->maxThreadsDim[0] = p->maxThreadsDim[1] = 1024;
    p->maxThreadsDim[2] = 64;
    p->maxThreadsPerMultiProcessor = 2048;
    p->maxBlocksPerMultiProcessor = 32;
    p->regsPerMultiprocessor = p->regsPerBlock = 65536;
    p->sharedMemPerMultiprocessor = 233472;
    p->sharedMemPerBlock = 49152;
    p->sharedMemPerBlockOptin = 232448;
    p->reservedSharedMemPerBlock = 1024;
    return cudaSuccess;
  };
  t.cudaDeviceGetAttribute = [](int* value, cudaDeviceAttr attr, int) {
    if (auto s = fake().enter("cudaDeviceGetAttribute")) return s;
    *value = attr == cudaDevAttrClockRate              ? 1980000
             : attr == cudaDevAttrMemoryClockRate      ? 2619000
             : attr == cudaDevAttrGlobalMemoryBusWidth ? 5120
                                                       : 0;
    return cudaSuccess;
  };
  t.cudaSetDevice = [](int) { return fake().enter("cudaSetDevice"); };
  t.cudaGetLastError = [] {
    auto& f = fake();
    f.calls_.emplace_back("cudaGetLastError");
    if (f.sticky_ != cudaSuccess) return f.sticky_;
    return std::exchange(f.last_error_, cudaSuccess);
  };
  t.cudaDeviceReset = [] {
    auto& f = fake();
    f.calls_.emplace_back("cudaDeviceReset");
    auto [first, last] = f.script_.equal_range("cudaDeviceReset");
    for (auto it = first; it != last; ++it)
      if (--it->second.remaining == 0) {
        const auto status = static_cast<cudaError_t>(it->second.status);
        f.script_.erase(it);
        return status;
      }
    // Everything the context held goes: memory, streams, events, loaded code, the endless kernel.
    for (const auto& [pointer, bytes] : f.memory_) {
      f.freed_by_reset_.insert(pointer);
      delete[] pointer;
    }
    f.memory_.clear();
    for (auto& [handle, o] : f.objects_)
      if (o->kind == "kernel") o->in_context = false;
    ++f.generation_;
    ++f.resets_;
    f.sticky_ = f.last_error_ = cudaSuccess;
    f.endless_running_ = false;
    return cudaSuccess;
  };
  t.cudaDeviceSynchronize = [] {
    auto& f = fake();
    if (auto s = f.enter("cudaDeviceSynchronize")) return s;
    f.waits_forever("cudaDeviceSynchronize");
    return cudaSuccess;
  };
  t.cudaGetDriverEntryPointByVersion = [](const char* symbol, void** function, unsigned int,
                                          unsigned long long,
                                          cudaDriverEntryPointQueryResult* found) {
    if (auto s = fake().enter("cudaGetDriverEntryPointByVersion")) return s;
    using GetCurrent = CUresult (*)(CUcontext*);
    using GetDevice = CUresult (*)(CUdevice*);
    *found = cudaDriverEntryPointSuccess;
    if (std::strcmp(symbol, "cuCtxGetCurrent") == 0) {
      *function = reinterpret_cast<void*>(static_cast<GetCurrent>([](CUcontext* context) {
        *context = reinterpret_cast<CUcontext>(&fake_context_tag);
        return CUDA_SUCCESS;
      }));
    } else if (std::strcmp(symbol, "cuCtxGetDevice") == 0) {
      *function = reinterpret_cast<void*>(static_cast<GetDevice>([](CUdevice* device) {
        *device = 0;
        return CUDA_SUCCESS;
      }));
    } else {
      *found = cudaDriverEntryPointSymbolNotFound;
      *function = nullptr;
    }
    return cudaSuccess;
  };

  // --- memory
  t.cudaMalloc = [](void** pointer, std::size_t bytes) {
    auto& f = fake();
    if (auto s = f.enter("cudaMalloc")) return s;
    auto* memory = new std::byte[bytes];
    std::memset(memory, 0xcd, bytes);  // never zero: a missing restore shows
    f.memory_.emplace(memory, bytes);
    f.freed_by_reset_.erase(memory);
    *pointer = memory;
    return cudaSuccess;
  };
  t.cudaFree = [](void* pointer) {
    auto& f = fake();
    if (auto s = f.enter("cudaFree")) return s;
    f.waits_forever("cudaFree");
    auto it = f.memory_.find(static_cast<std::byte*>(pointer));
    if (it == f.memory_.end()) {
      if (pointer) f.problem(fmt::format("cudaFree({}): not an allocation", pointer));
      return pointer ? cudaErrorInvalidValue : cudaSuccess;
    }
    delete[] it->first;
    f.memory_.erase(it);
    return cudaSuccess;
  };
  t.cudaMemcpyAsync = [](void* to, const void* from, std::size_t bytes, cudaMemcpyKind kind,
                         cudaStream_t stream) {
    auto& f = fake();
    if (auto s = f.enter("cudaMemcpyAsync")) return s;
    if (!f.object(stream, "cudaMemcpyAsync")) return cudaErrorInvalidResourceHandle;
    const void* host = kind == cudaMemcpyHostToDevice ? from : to;
    if (kind == cudaMemcpyHostToDevice && f.device_memory(to, bytes, "cudaMemcpyAsync"))
      std::memcpy(to, from, bytes);
    else if (kind == cudaMemcpyDeviceToHost && f.device_memory(from, bytes, "cudaMemcpyAsync"))
      std::memcpy(to, from, bytes);
    else
      return cudaErrorInvalidValue;
    const bool pinned = f.pinned_.count(static_cast<const std::byte*>(host)) > 0;
    f.clock_ms_ += static_cast<double>(bytes) / (pinned ? kPinnedBytesPerMs : kPageableBytesPerMs);
    return cudaSuccess;
  };
  t.cudaMallocHost = [](void** pointer, std::size_t bytes) {
    auto& f = fake();
    if (auto s = f.enter("cudaMallocHost")) return s;
    auto* memory = new std::byte[bytes];
    f.pinned_.emplace(memory, bytes);
    *pointer = memory;
    return cudaSuccess;
  };
  t.cudaFreeHost = [](void* pointer) {
    auto& f = fake();
    if (auto s = f.enter("cudaFreeHost")) return s;
    auto it = f.pinned_.find(static_cast<std::byte*>(pointer));
    if (it == f.pinned_.end()) {
      if (pointer) f.problem(fmt::format("cudaFreeHost({}): not a pinned allocation", pointer));
      return pointer ? cudaErrorInvalidValue : cudaSuccess;
    }
    delete[] it->first;
    f.pinned_.erase(it);
    return cudaSuccess;
  };
  t.cudaMemsetAsync = [](void* pointer, int value, std::size_t bytes, cudaStream_t stream) {
    auto& f = fake();
    if (auto s = f.enter("cudaMemsetAsync")) return s;
    if (!f.object(stream, "cudaMemsetAsync")) return cudaErrorInvalidResourceHandle;
    if (!f.device_memory(pointer, bytes, "cudaMemsetAsync")) return cudaErrorInvalidValue;
    std::memset(pointer, value, bytes);
    return cudaSuccess;
  };

  // --- streams and events
  t.cudaStreamCreateWithFlags = [](cudaStream_t* stream, unsigned int) {
    auto& f = fake();
    if (auto s = f.enter("cudaStreamCreateWithFlags")) return s;
    *stream = as<CUstream_st>(f.make_object("stream"));
    return cudaSuccess;
  };
  t.cudaStreamDestroy = [](cudaStream_t stream) {
    auto& f = fake();
    if (auto s = f.enter("cudaStreamDestroy")) return s;
    if (!f.object(stream, "cudaStreamDestroy")) return cudaErrorInvalidResourceHandle;
    f.objects_.erase(stream);
    return cudaSuccess;
  };
  t.cudaStreamSynchronize = [](cudaStream_t stream) {
    auto& f = fake();
    if (auto s = f.enter("cudaStreamSynchronize")) return s;
    if (!f.object(stream, "cudaStreamSynchronize")) return cudaErrorInvalidResourceHandle;
    f.waits_forever("cudaStreamSynchronize");
    return cudaSuccess;
  };
  t.cudaStreamQuery = [](cudaStream_t stream) {
    auto& f = fake();
    if (auto s = f.enter("cudaStreamQuery")) return s;
    if (!f.object(stream, "cudaStreamQuery")) return cudaErrorInvalidResourceHandle;
    return f.endless_running_ ? cudaErrorNotReady : cudaSuccess;
  };
  t.cudaEventCreate = [](cudaEvent_t* event) {
    auto& f = fake();
    if (auto s = f.enter("cudaEventCreate")) return s;
    *event = as<CUevent_st>(f.make_object("event"));
    return cudaSuccess;
  };
  t.cudaEventDestroy = [](cudaEvent_t event) {
    auto& f = fake();
    if (auto s = f.enter("cudaEventDestroy")) return s;
    if (!f.object(event, "cudaEventDestroy")) return cudaErrorInvalidResourceHandle;
    f.objects_.erase(event);
    return cudaSuccess;
  };
  t.cudaEventRecord = [](cudaEvent_t event, cudaStream_t stream) {
    auto& f = fake();
    if (auto s = f.enter("cudaEventRecord")) return s;
    auto* e = f.object(event, "cudaEventRecord");
    if (!e || !f.object(stream, "cudaEventRecord")) return cudaErrorInvalidResourceHandle;
    e->event = {f.clock_ms_, true, f.endless_running_};
    return cudaSuccess;
  };
  t.cudaEventQuery = [](cudaEvent_t event) {
    auto& f = fake();
    if (auto s = f.enter("cudaEventQuery")) return s;
    auto* e = f.object(event, "cudaEventQuery");
    if (!e) return cudaErrorInvalidResourceHandle;
    return e->event.never ? cudaErrorNotReady : cudaSuccess;
  };
  t.cudaEventElapsedTime = [](float* ms, cudaEvent_t start, cudaEvent_t stop) {
    auto& f = fake();
    if (auto s = f.enter("cudaEventElapsedTime")) return s;
    auto* a = f.object(start, "cudaEventElapsedTime");
    auto* b = f.object(stop, "cudaEventElapsedTime");
    if (!a || !b) return cudaErrorInvalidResourceHandle;
    if (!a->event.recorded || !b->event.recorded) return cudaErrorInvalidResourceHandle;
    if (a->event.never || b->event.never) return cudaErrorNotReady;
    *ms = static_cast<float>(b->event.at_ms - a->event.at_ms);
    return cudaSuccess;
  };

  // --- code
  t.cudaLibraryLoadData = [](cudaLibrary_t* library, const void* code, cudaJitOption*, void**,
                             unsigned int, cudaLibraryOption*, void**, unsigned int) {
    auto& f = fake();
    if (auto s = f.enter("cudaLibraryLoadData")) return s;
    void* handle = f.make_object("library");
    f.objects_.at(handle)->image.assign(static_cast<const char*>(code), image_size(code));
    *library = as<CUlib_st>(handle);
    return cudaSuccess;
  };
  t.cudaLibraryUnload = [](cudaLibrary_t library) {
    auto& f = fake();
    if (auto s = f.enter("cudaLibraryUnload")) return s;
    f.waits_forever("cudaLibraryUnload");
    if (!f.object(library, "cudaLibraryUnload")) return cudaErrorInvalidResourceHandle;
    f.objects_.erase(library);
    return cudaSuccess;
  };
  t.cudaLibraryGetKernel = [](cudaKernel_t* kernel, cudaLibrary_t library, const char* name) {
    auto& f = fake();
    if (auto s = f.enter("cudaLibraryGetKernel")) return s;
    auto* l = f.object(library, "cudaLibraryGetKernel");
    if (!l) return cudaErrorInvalidResourceHandle;
    // The entry's name, NUL-terminated in the cubin's string table or after ".entry" in PTX.
    if (l->image.find(std::string(name) + '\0') == std::string::npos &&
        l->image.find(".entry " + std::string(name)) == std::string::npos)
      return cudaErrorSymbolNotFound;
    *kernel = as<CUkern_st>(f.make_object("kernel", name));
    return cudaSuccess;
  };

  // A kernel's first use in the context loads it (lazy loading): an image error shows here.
  static constexpr auto use = [](FakeRuntime& f, void* kernel, const char* call,
                                 Object** out) -> cudaError_t {
    auto* k = f.object(kernel, call);
    if (!k || k->kind != "kernel") return cudaErrorInvalidDeviceFunction;
    if (const auto& script = f.kernels_[k->name]; script.image_error) {
      f.last_error_ = *script.image_error;
      return *script.image_error;
    }
    k->in_context = true;
    *out = k;
    return cudaSuccess;
  };
  t.cudaFuncGetAttributes = [](cudaFuncAttributes* attributes, const void* function) {
    auto& f = fake();
    if (auto s = f.enter("cudaFuncGetAttributes")) return s;
    Object* k = nullptr;
    if (auto s = use(f, const_cast<void*>(function), "cudaFuncGetAttributes", &k)) return s;
    cudaFuncAttributes a{};
    a.maxThreadsPerBlock = 1024;
    a.numRegs = 32;
    if (const auto& scripted = f.kernels_[k->name].attributes) a = *scripted;
    *attributes = a;
    return cudaSuccess;
  };
  t.cudaFuncSetAttribute = [](const void* function, cudaFuncAttribute attribute, int value) {
    auto& f = fake();
    if (auto s = f.enter("cudaFuncSetAttribute")) return s;
    Object* k = nullptr;
    if (auto s = use(f, const_cast<void*>(function), "cudaFuncSetAttribute", &k)) return s;
    f.attribute_sets_.push_back({k->name, attribute, value});
    return cudaSuccess;
  };
  t.cudaLaunchKernel = [](const void* function, dim3 grid, dim3 block, void** args,
                          std::size_t dynamic_shared, cudaStream_t stream) {
    auto& f = fake();
    if (auto s = f.enter("cudaLaunchKernel")) return s;
    if (!f.object(stream, "cudaLaunchKernel")) return cudaErrorInvalidResourceHandle;
    Object* k = nullptr;
    if (auto s = use(f, const_cast<void*>(function), "cudaLaunchKernel", &k)) return s;
    if (block.x * block.y * block.z > 1024) {
      f.last_error_ = cudaErrorInvalidConfiguration;
      return cudaErrorInvalidConfiguration;
    }
    // Above 48 KiB the kernel must have opted in to at least this much dynamic shared memory.
    if (dynamic_shared > 48 * 1024) {
      int opted = 0;
      for (const auto& set : f.attribute_sets_)
        if (set.entry == k->name && set.attribute == cudaFuncAttributeMaxDynamicSharedMemorySize)
          opted = set.value;
      if (static_cast<std::size_t>(opted) < dynamic_shared) {
        f.last_error_ = cudaErrorInvalidValue;
        return cudaErrorInvalidValue;
      }
    }
    f.launches_.push_back({k->name, grid.x, block.x, dynamic_shared});
    const auto& script = f.kernels_[k->name];
    if (script.callback && !f.endless_running_) script.callback(args);
    const double start = f.clock_ms_;
    f.clock_ms_ += script.milliseconds;
    if (script.endless) f.endless_running_ = true;
    if (f.activity_kinds_.contains(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL)) {
      const auto ns = [](double ms) { return static_cast<std::uint64_t>(ms * 1e6); };
      Record record{{}, f.next_correlation_++, ns(start), ns(f.clock_ms_)};
      if (!f.external_ids_.empty()) record.external_id = f.external_ids_.back();
      f.records_.push_back(record);
    }
    return cudaSuccess;
  };

  // --- NVRTC: the real compiler; the options are recorded and the logs may be dropped.
  t.nvrtcCompileProgram = [](nvrtcProgram program, int count, const char* const* options) {
    {
      std::lock_guard lock(g_nvrtc_mutex);
      fake().compile_options_.emplace_back(options, options + count);
    }
    return kReal.nvrtcCompileProgram(program, count, options);
  };
  t.nvrtcGetProgramLogSize = [](nvrtcProgram program, std::size_t* size) {
    if (!fake().drop_logs_) return kReal.nvrtcGetProgramLogSize(program, size);
    *size = 1;
    return NVRTC_SUCCESS;
  };
  t.nvrtcGetProgramLog = [](nvrtcProgram program, char* log) {
    if (!fake().drop_logs_) return kReal.nvrtcGetProgramLog(program, log);
    *log = '\0';
    return NVRTC_SUCCESS;
  };

  // --- CUPTI Activity API: records of the fake's launches, delivered at a flush.
  t.cuptiActivityRegisterCallbacks = [](CUpti_BuffersCallbackRequestFunc requested,
                                        CUpti_BuffersCallbackCompleteFunc completed) {
    auto& f = fake();
    if (auto s = f.enter_cupti("cuptiActivityRegisterCallbacks")) return s;
    f.buffer_requested_ = requested;
    f.buffer_completed_ = completed;
    return CUPTI_SUCCESS;
  };
  t.cuptiActivityEnable = [](CUpti_ActivityKind kind) {
    auto& f = fake();
    if (auto s = f.enter_cupti("cuptiActivityEnable")) return s;
    f.activity_kinds_.insert(kind);
    return CUPTI_SUCCESS;
  };
  t.cuptiActivityDisable = [](CUpti_ActivityKind kind) {
    auto& f = fake();
    if (auto s = f.enter_cupti("cuptiActivityDisable")) return s;
    f.activity_kinds_.erase(kind);
    return CUPTI_SUCCESS;
  };
  t.cuptiActivityPushExternalCorrelationId = [](CUpti_ExternalCorrelationKind, std::uint64_t id) {
    auto& f = fake();
    if (auto s = f.enter_cupti("cuptiActivityPushExternalCorrelationId")) return s;
    f.external_ids_.push_back(id);
    return CUPTI_SUCCESS;
  };
  t.cuptiActivityPopExternalCorrelationId = [](CUpti_ExternalCorrelationKind, std::uint64_t* id) {
    auto& f = fake();
    if (auto s = f.enter_cupti("cuptiActivityPopExternalCorrelationId")) return s;
    if (f.external_ids_.empty()) return CUPTI_ERROR_QUEUE_EMPTY;
    *id = f.external_ids_.back();
    f.external_ids_.pop_back();
    return CUPTI_SUCCESS;
  };
  // A buffer holds records back to back, each 8-byte aligned; their first field is the kind.
  t.cuptiActivityFlushAll = [](std::uint32_t) {
    auto& f = fake();
    if (auto s = f.enter_cupti("cuptiActivityFlushAll")) return s;
    if (f.sticky_ != cudaSuccess) return CUPTI_ERROR_UNKNOWN;  // the context is gone
    if (f.records_.empty() || !f.buffer_requested_) return CUPTI_SUCCESS;
    std::uint8_t* buffer = nullptr;
    std::size_t size = 0, max_records = 0;
    f.buffer_requested_(&buffer, &size, &max_records);
    std::size_t used = 0;
    auto append = [&](const auto& record) {
      const std::size_t bytes = (sizeof record + 7) / 8 * 8;
      if (used + bytes > size) return;
      std::memcpy(buffer + used, &record, sizeof record);
      used += bytes;
    };
    for (const auto& r : f.records_) {
      if (r.external_id) {
        CUpti_ActivityExternalCorrelation link{};
        link.kind = CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION;
        link.externalKind = CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0;
        link.externalId = *r.external_id;
        link.correlationId = r.correlation;
        append(link);
      }
      CUpti_ActivityKernel10 kernel{};
      kernel.kind = CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL;
      kernel.correlationId = r.correlation;
      kernel.start = r.start_ns;
      kernel.end = r.end_ns;
      append(kernel);
    }
    f.records_.clear();
    f.buffer_completed_(nullptr, 0, buffer, size, used);
    return CUPTI_SUCCESS;
  };
  t.cuptiActivityGetNextRecord = [](std::uint8_t* buffer, std::size_t valid,
                                    CUpti_Activity** record) {
    std::size_t offset = 0;
    if (*record) {
      const auto kind = (*record)->kind;
      const std::size_t bytes = kind == CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION
                                    ? sizeof(CUpti_ActivityExternalCorrelation)
                                    : sizeof(CUpti_ActivityKernel10);
      offset = static_cast<std::size_t>(reinterpret_cast<std::uint8_t*>(*record) - buffer) +
               (bytes + 7) / 8 * 8;
    }
    if (offset >= valid) return CUPTI_ERROR_MAX_LIMIT_REACHED;
    *record = reinterpret_cast<CUpti_Activity*>(buffer + offset);
    return CUPTI_SUCCESS;
  };

  // --- CUPTI range profiler, target side: one range, every pass submitted at once.
  t.cuptiProfilerInitialize = [](CUpti_Profiler_Initialize_Params*) {
    return fake().enter_cupti("cuptiProfilerInitialize");
  };
  t.cuptiProfilerDeInitialize = [](CUpti_Profiler_DeInitialize_Params*) {
    return fake().enter_cupti("cuptiProfilerDeInitialize");
  };
  t.cuptiProfilerDeviceSupported = [](CUpti_Profiler_DeviceSupported_Params* p) {
    if (auto s = fake().enter_cupti("cuptiProfilerDeviceSupported")) return s;
    p->isSupported = p->architecture = p->sli = p->vGpu = p->confidentialCompute = p->cmp = p->wsl =
        CUPTI_PROFILER_CONFIGURATION_SUPPORTED;
    return CUPTI_SUCCESS;
  };
  t.cuptiDeviceGetChipName = [](CUpti_Device_GetChipName_Params* p) {
    if (auto s = fake().enter_cupti("cuptiDeviceGetChipName")) return s;
    p->pChipName = "GH100";
    return CUPTI_SUCCESS;
  };
  t.cuptiProfilerGetCounterAvailability = [](CUpti_Profiler_GetCounterAvailability_Params* p) {
    if (auto s = fake().enter_cupti("cuptiProfilerGetCounterAvailability")) return s;
    p->counterAvailabilityImageSize = 0;  // the host API then assumes every counter is there
    return CUPTI_SUCCESS;
  };
  t.cuptiRangeProfilerEnable = [](CUpti_RangeProfiler_Enable_Params* p) {
    auto& f = fake();
    if (auto s = f.enter_cupti("cuptiRangeProfilerEnable")) return s;
    p->pRangeProfilerObject = reinterpret_cast<CUpti_RangeProfiler_Object*>(&fake_context_tag);
    return CUPTI_SUCCESS;
  };
  t.cuptiRangeProfilerDisable = [](CUpti_RangeProfiler_Disable_Params*) {
    return fake().enter_cupti("cuptiRangeProfilerDisable");
  };
  t.cuptiRangeProfilerGetCounterDataSize = [](CUpti_RangeProfiler_GetCounterDataSize_Params* p) {
    if (auto s = fake().enter_cupti("cuptiRangeProfilerGetCounterDataSize")) return s;
    p->counterDataSize = 256;
    return CUPTI_SUCCESS;
  };
  t.cuptiRangeProfilerCounterDataImageInitialize =
      [](CUpti_RangeProfiler_CounterDataImage_Initialize_Params*) {
        return fake().enter_cupti("cuptiRangeProfilerCounterDataImageInitialize");
      };
  t.cuptiRangeProfilerSetConfig = [](CUpti_RangeProfiler_SetConfig_Params*) {
    return fake().enter_cupti("cuptiRangeProfilerSetConfig");
  };
  t.cuptiRangeProfilerStart = [](CUpti_RangeProfiler_Start_Params*) {
    return fake().enter_cupti("cuptiRangeProfilerStart");
  };
  t.cuptiRangeProfilerPushRange = [](CUpti_RangeProfiler_PushRange_Params*) {
    return fake().enter_cupti("cuptiRangeProfilerPushRange");
  };
  t.cuptiRangeProfilerPopRange = [](CUpti_RangeProfiler_PopRange_Params*) {
    return fake().enter_cupti("cuptiRangeProfilerPopRange");
  };
  t.cuptiRangeProfilerStop = [](CUpti_RangeProfiler_Stop_Params* p) {
    if (auto s = fake().enter_cupti("cuptiRangeProfilerStop")) return s;
    p->isAllPassSubmitted = 1;
    return CUPTI_SUCCESS;
  };
  t.cuptiRangeProfilerDecodeData = [](CUpti_RangeProfiler_DecodeData_Params* p) {
    auto& f = fake();
    if (auto s = f.enter_cupti("cuptiRangeProfilerDecodeData")) return s;
    if (f.sticky_ != cudaSuccess) return CUPTI_ERROR_UNKNOWN;  // it synchronises the context
    p->numOfRangeDropped = 0;
    return CUPTI_SUCCESS;
  };
  t.cuptiRangeProfilerGetCounterDataInfo = [](CUpti_RangeProfiler_GetCounterDataInfo_Params* p) {
    if (auto s = fake().enter_cupti("cuptiRangeProfilerGetCounterDataInfo")) return s;
    p->numTotalRanges = 1;
    return CUPTI_SUCCESS;
  };
  // The counter data is made up, so the real host API cannot evaluate it: metric i is 1000 + i.
  t.cuptiProfilerHostEvaluateToGpuValues = [](CUpti_Profiler_Host_EvaluateToGpuValues_Params* p) {
    if (auto s = fake().enter_cupti("cuptiProfilerHostEvaluateToGpuValues")) return s;
    for (std::size_t i = 0; i < p->numMetrics; ++i)
      p->pMetricValues[i] = 1000.0 + static_cast<double>(i);
    return CUPTI_SUCCESS;
  };

  installed_ = std::make_unique<profiles::cuda::ScopedApi>(table_);
}

FakeRuntime::~FakeRuntime() {
  installed_.reset();
  for (const auto& [pointer, bytes] : memory_)
    delete[] pointer;
  for (const auto& [pointer, bytes] : pinned_)
    delete[] pointer;
  g_fake = nullptr;
}

void FakeRuntime::poison(const std::string& call, cudaError_t status, int nth) {
  script_.emplace(call, Scripted{nth, static_cast<int>(status), true});
}

void FakeRuntime::fail(const std::string& call, int status, int nth) {
  script_.emplace(call, Scripted{nth, status, false});
}

void FakeRuntime::lazy_load_error(const std::string& entry, cudaError_t status) {
  kernels_[entry].image_error = status;
}

void FakeRuntime::endless(const std::string& entry) {
  kernels_[entry].endless = true;
}

void FakeRuntime::on_launch(const std::string& entry, Callback callback, double milliseconds) {
  kernels_[entry].callback = std::move(callback);
  kernels_[entry].milliseconds = milliseconds;
}

void FakeRuntime::attributes(const std::string& entry, const cudaFuncAttributes& attributes) {
  kernels_[entry].attributes = attributes;
}

void FakeRuntime::driver(int cuda_version, cudaError_t status) {
  driver_version_ = cuda_version;
  device_count_status_ = status;
}

std::size_t FakeRuntime::count(const std::string& call) const {
  return static_cast<std::size_t>(std::count(calls_.begin(), calls_.end(), call));
}

std::vector<std::string> FakeRuntime::compile_options() const {
  std::lock_guard lock(g_nvrtc_mutex);
  return compile_options_.empty() ? std::vector<std::string>{} : compile_options_.back();
}

std::string FakeRuntime::problems_text() const {
  std::string text;
  for (const auto& p : problems_)
    text += p + "\n";
  return text;
}

}  // namespace ktune::test
