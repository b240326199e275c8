#pragma once
// Kernel timing from the CUPTI Activity API (`--timer cupti`), beside the default CUDA-event
// timer: GPU start/end timestamps of the kernel itself, without the launch latency events
// include. Each timed launch runs under an external correlation id (the variant's id), so the
// kernel records are matched to it and never to a cache flush or a memset run in between.
//
// Activity callbacks are process-wide: one ActivityTimer at a time. Tracing is on while the timer
// lives; pause() turns it off around counter collection (tracing and counters never overlap).
#include <cstdint>
#include <functional>
#include <memory>

namespace ktune::profiles::cuda::cupti {

class ActivityTimer {
 public:
  // Registers the buffer callbacks and enables kernel, API and external-correlation records.
  // Throws CuptiError when CUPTI refuses (no GPU, another tool attached), ktune::Error when
  // another ActivityTimer exists.
  ActivityTimer();
  ~ActivityTimer();
  ActivityTimer(const ActivityTimer&) = delete;
  ActivityTimer& operator=(const ActivityTimer&) = delete;

  // Runs `launch` (which must launch and wait) under `variant_id` and returns the GPU time of the
  // kernels it launched in milliseconds. Throws ktune::Error when CUPTI recorded none,
  // CudaCallError when waiting for the kernel fails and CuptiError when CUPTI does; exceptions
  // of `launch` pass through.
  double time_ms(std::uint64_t variant_id, const std::function<void()>& launch);

  // Tracing off for the guard's lifetime.
  class Pause {
   public:
    explicit Pause(ActivityTimer& timer);
    ~Pause();
    Pause(const Pause&) = delete;
    Pause& operator=(const Pause&) = delete;

   private:
    ActivityTimer& timer_;
  };

 private:
  void enable();
  void disable() noexcept;
  bool enabled_ = false;
  bool stale_records_ = false;  // a run failed before its records were taken
};

}  // namespace ktune::profiles::cuda::cupti
