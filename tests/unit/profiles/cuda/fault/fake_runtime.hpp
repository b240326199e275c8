#pragma once
// A scripted CUDA runtime, so that the CUDA device's failure paths run in CI without a GPU. For
// its lifetime it is the function table of profiles/cuda/cuda_api.hpp (one at a time):
//
//  - one device like a small H100 (sm_90, 132 SMs, a 4 MiB L2 to keep buffers small) and a
//    driver that supports CUDA 13.0 (driver(): another version, or no driver at all);
//  - memory is host memory; copies and memsets happen at once, and a copy advances the clock
//    its events read by its bytes at kPageableBytesPerMs (kPinnedBytesPerMs from cudaMallocHost
//    memory);
//  - kernels are no-ops or host callbacks (on_launch) chosen by entry name, and complete at their
//    launch, except an endless() one: events recorded after it never complete, and every call
//    that would wait for it is recorded in problems() (and returns at once) until
//    cudaDeviceReset ends it;
//  - chosen errors at chosen calls: poison(call, status) makes the n-th next call of `call`
//    return a context-poisoning ("sticky") error, which every later call returns too until the
//    reset; fail(call, status) is a one-off error; lazy_load_error(entry, status) is an image
//    error at the kernel's first use in the context, as lazy module loading reports it;
//  - NVRTC is the real one (it works offline); drop_compile_logs() returns empty logs, as
//    NVRTC's own cache does on a hit (no ptxas report);
//  - CUPTI: the Activity API with records made from the fake's launches, the range profiler's
//    target side with one range and made-up values, the Profiler Host API real (it works
//    offline from the chip name "GH100").
// A stale handle after a reset, a free or copy of memory the fake never gave out, and a wait
// for the endless kernel are recorded in problems(); tests expect it empty.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "profiles/cuda/cuda_api.hpp"

namespace ktune::test {

class FakeRuntime {
 public:
  static constexpr double kPageableBytesPerMs = 10e6;  // 10 GB/s
  static constexpr double kPinnedBytesPerMs = 25e6;    // 25 GB/s
  FakeRuntime();
  ~FakeRuntime();
  FakeRuntime(const FakeRuntime&) = delete;
  FakeRuntime& operator=(const FakeRuntime&) = delete;

  // --- the script
  // The n-th next call of `call` returns `status` and poisons the context (a CUPTI call so
  // scripted returns CUPTI_ERROR_UNKNOWN, as CUPTI does on a lost context).
  void poison(const std::string& call, cudaError_t status, int nth = 1);
  // A kernel has faulted: the next call, whichever, reports it.
  void poison_now(cudaError_t status) { sticky_ = status; }
  // The n-th next call of `call` returns `status` once (cudart or CUPTI name; `status` is then
  // the CUptiResult's value).
  void fail(const std::string& call, int status, int nth = 1);
  void lazy_load_error(const std::string& entry, cudaError_t status);
  void endless(const std::string& entry);
  using Callback = std::function<void(void** args)>;
  void on_launch(const std::string& entry, Callback callback, double milliseconds = 0.25);
  void attributes(const std::string& entry, const cudaFuncAttributes& attributes);
  // cudaDriverGetVersion reports `cuda_version` (0: no driver); cudaGetDeviceCount returns
  // `status` and no device unless it is cudaSuccess.
  void driver(int cuda_version, cudaError_t status);
  void drop_compile_logs() { drop_logs_ = true; }

  // --- what happened
  struct Launch {
    std::string entry;
    unsigned grid = 0, block = 0;
    std::size_t dynamic_shared = 0;
  };
  const std::vector<Launch>& launches() const { return launches_; }
  const std::vector<std::string>& calls() const { return calls_; }
  std::size_t count(const std::string& call) const;
  // cudaFuncSetAttribute calls.
  struct AttributeSet {
    std::string entry;
    cudaFuncAttribute attribute;
    int value;
  };
  const std::vector<AttributeSet>& attribute_sets() const { return attribute_sets_; }
  // The options of the last nvrtcCompileProgram.
  std::vector<std::string> compile_options() const;
  int resets() const { return resets_; }
  std::size_t live_allocations() const { return memory_.size(); }
  const std::vector<std::string>& problems() const { return problems_; }
  std::string problems_text() const;

 private:
  struct Object;
  struct Kernel {
    Callback callback;
    double milliseconds = 0.25;
    std::optional<cudaError_t> image_error;
    bool endless = false;
    std::optional<cudaFuncAttributes> attributes;
  };
  struct Event {
    double at_ms = 0;
    bool recorded = false;
    bool never = false;  // recorded after an endless kernel
  };
  struct Record {  // a kernel's activity record, delivered at the next flush
    std::optional<std::uint64_t> external_id;  // the innermost pushed when it launched
    std::uint32_t correlation = 0;
    std::uint64_t start_ns = 0, end_ns = 0;
  };
  struct Scripted {
    int remaining;
    int status;
    bool poisons;
  };

  // Called first by every cudart function: the sticky error, or a scripted one, or cudaSuccess.
  cudaError_t enter(const char* call);
  CUptiResult enter_cupti(const char* call);
  void problem(std::string text) { problems_.push_back(std::move(text)); }
  bool waits_forever(const char* call);
  void* make_object(std::string kind, std::string name = {});
  Object* object(void* handle, const char* call);  // nullptr (and a problem) when stale
  std::byte* device_memory(const void* pointer, std::size_t bytes, const char* call);

  profiles::cuda::Api table_;
  std::unique_ptr<profiles::cuda::ScopedApi> installed_;
  std::vector<std::string> calls_;
  std::vector<std::string> problems_;
  std::multimap<std::string, Scripted> script_;
  cudaError_t sticky_ = cudaSuccess;
  cudaError_t last_error_ = cudaSuccess;
  int generation_ = 0;  // of the context: a reset starts a new one
  int resets_ = 0;
  bool endless_running_ = false;
  double clock_ms_ = 0;
  std::map<void*, std::unique_ptr<Object>> objects_;
  std::map<std::byte*, std::size_t> memory_;
  std::map<const std::byte*, std::size_t> pinned_;  // cudaMallocHost
  std::set<const void*> freed_by_reset_;
  std::map<std::string, Kernel> kernels_;
  std::vector<Launch> launches_;
  std::vector<AttributeSet> attribute_sets_;
  std::vector<std::vector<std::string>> compile_options_;
  bool drop_logs_ = false;
  int driver_version_ = 13000;
  cudaError_t device_count_status_ = cudaSuccess;
  CUpti_BuffersCallbackRequestFunc buffer_requested_ = nullptr;
  CUpti_BuffersCallbackCompleteFunc buffer_completed_ = nullptr;
  std::set<CUpti_ActivityKind> activity_kinds_;
  std::vector<std::uint64_t> external_ids_;
  std::uint32_t next_correlation_ = 1;
  std::vector<Record> records_;
};

// The fake installed now (tests may reach it from host callbacks).
FakeRuntime& fake();

}  // namespace ktune::test
