#include "profiles/cuda/cupti/activity_timer.hpp"

#include <cuda_runtime_api.h>
#include <cupti_activity.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include <fmt/format.h>

#include "core/error.hpp"
#include "profiles/cuda/cuda_api.hpp"
#include "profiles/cuda/cuda_errors.hpp"
#include "profiles/cuda/cupti/cupti_check.hpp"
#include "profiles/cuda/cupti/kernel_records.hpp"

namespace ktune::profiles::cuda::cupti {
namespace {

constexpr std::size_t kBufferBytes = 1 << 20;
constexpr std::size_t kBufferAlignment = 8;  // CUPTI requires 8-byte aligned buffers
constexpr CUpti_ExternalCorrelationKind kCorrelationKind = CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0;

// External correlation records need the API records on (CUPTI docs, "External Correlation").
constexpr CUpti_ActivityKind kKinds[] = {CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION,
                                         CUPTI_ACTIVITY_KIND_RUNTIME, CUPTI_ACTIVITY_KIND_DRIVER,
                                         CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL};

// CUPTI calls the buffer callbacks from its own threads: the records live behind a mutex.
std::mutex g_mutex;
KernelRecords g_records;
std::atomic<bool> g_timer_exists{false};

void CUPTIAPI buffer_requested(uint8_t** buffer, size_t* size, size_t* max_records) {
  *buffer = static_cast<uint8_t*>(std::aligned_alloc(kBufferAlignment, kBufferBytes));
  *size = *buffer ? kBufferBytes : 0;
  *max_records = 0;
}

void CUPTIAPI buffer_completed(CUcontext, uint32_t, uint8_t* buffer, size_t, size_t valid) {
  {
    std::lock_guard lock(g_mutex);
    CUpti_Activity* record = nullptr;
    while (api().cuptiActivityGetNextRecord(buffer, valid, &record) == CUPTI_SUCCESS) {
      if (record->kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL ||
          record->kind == CUPTI_ACTIVITY_KIND_KERNEL) {
        const auto* kernel = reinterpret_cast<const CUpti_ActivityKernel10*>(record);
        g_records.add_kernel(kernel->correlationId, kernel->start, kernel->end);
      } else if (record->kind == CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION) {
        const auto* link = reinterpret_cast<const CUpti_ActivityExternalCorrelation*>(record);
        if (link->externalKind == kCorrelationKind)
          g_records.add_correlation(link->externalId, link->correlationId);
      }
    }
  }
  std::free(buffer);
}

}  // namespace

ActivityTimer::ActivityTimer() {
  if (g_timer_exists.exchange(true))
    throw Error("CUPTI: only one activity timer can exist in a process");
  try {
    check(api().cuptiActivityRegisterCallbacks(buffer_requested, buffer_completed),
          "cuptiActivityRegisterCallbacks");
    enable();
  } catch (...) {
    g_timer_exists = false;
    throw;
  }
}

ActivityTimer::~ActivityTimer() {
  disable();
  g_timer_exists = false;
}

void ActivityTimer::enable() {
  if (enabled_) return;
  std::size_t done = 0;
  try {
    for (auto kind : kKinds) {
      check(api().cuptiActivityEnable(kind), "cuptiActivityEnable");
      ++done;
    }
  } catch (...) {
    for (std::size_t i = 0; i < done; ++i)
      check_nothrow(api().cuptiActivityDisable(kKinds[i]), "cuptiActivityDisable");
    throw;
  }
  enabled_ = true;
}

void ActivityTimer::disable() noexcept {
  if (!enabled_) return;
  for (auto kind : kKinds)
    check_nothrow(api().cuptiActivityDisable(kind), "cuptiActivityDisable");
  // Deliver what is left so that no buffer outlives the timer; those records are dropped.
  check_nothrow(api().cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED),
                "cuptiActivityFlushAll");
  std::lock_guard lock(g_mutex);
  g_records.take_ns(0);
  enabled_ = false;
}

double ActivityTimer::time_ms(std::uint64_t variant_id, const std::function<void()>& launch) {
  if (!enabled_) throw Error("CUPTI: the activity timer is paused");
  if (stale_records_) {
    // The last run failed between its launch and its flush: its records must not count here.
    check_nothrow(api().cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED),
                  "cuptiActivityFlushAll");
    std::lock_guard lock(g_mutex);
    g_records.take_ns(0);
    stale_records_ = false;
  }
  check(api().cuptiActivityPushExternalCorrelationId(kCorrelationKind, variant_id),
        "cuptiActivityPushExternalCorrelationId");
  try {
    launch();
  } catch (...) {
    stale_records_ = true;
    std::uint64_t ignored = 0;
    check_nothrow(api().cuptiActivityPopExternalCorrelationId(kCorrelationKind, &ignored),
                  "cuptiActivityPopExternalCorrelationId");
    throw;
  }
  std::uint64_t popped = 0;
  check(api().cuptiActivityPopExternalCorrelationId(kCorrelationKind, &popped),
        "cuptiActivityPopExternalCorrelationId");
  // FlushAll does not synchronise: the kernel must be complete for its record to be. A failure
  // is the caller's to classify (a kernel fault makes it the variant's launch error).
  stale_records_ = true;
  if (auto status = api().cudaDeviceSynchronize(); status != cudaSuccess)
    throw CudaCallError(status, "waiting for the kernel's activity record");
  check(api().cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED), "cuptiActivityFlushAll");
  stale_records_ = false;
  std::optional<std::uint64_t> ns;
  {
    std::lock_guard lock(g_mutex);
    ns = g_records.take_ns(variant_id);
  }
  if (!ns)
    throw Error(fmt::format("CUPTI recorded no kernel for variant {} (activity records lost?)",
                            variant_id));
  return static_cast<double>(*ns) * 1e-6;
}

ActivityTimer::Pause::Pause(ActivityTimer& timer) : timer_(timer) {
  timer_.disable();
}

ActivityTimer::Pause::~Pause() {
  try {
    timer_.enable();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ktune: warning: %s: the CUPTI timer stays paused\n", e.what());
  }
}

}  // namespace ktune::profiles::cuda::cupti
