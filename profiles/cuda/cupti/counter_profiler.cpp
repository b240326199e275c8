#include "profiles/cuda/cupti/counter_profiler.hpp"

#include <cupti_profiler_target.h>
#include <cupti_target.h>

#include <exception>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "profiles/cuda/cuda_errors.hpp"
#include "profiles/cuda/cupti/cupti_check.hpp"
#include "profiles/cuda/cupti/degradation.hpp"
#include "profiles/cuda/cupti/driver_context.hpp"
#include "profiles/cuda/cupti/range_profiler.hpp"

namespace ktune::profiles::cuda::cupti {
namespace {

// cuptiProfilerInitialize/DeInitialize, held while any CounterProfiler is set up.
class ProfilerLibrary {
 public:
  ProfilerLibrary() {
    auto p = params<CUpti_Profiler_Initialize_Params>(CUpti_Profiler_Initialize_Params_STRUCT_SIZE);
    KTUNE_CUPTI(cuptiProfilerInitialize, p);
  }
  ~ProfilerLibrary() {
    auto p =
        params<CUpti_Profiler_DeInitialize_Params>(CUpti_Profiler_DeInitialize_Params_STRUCT_SIZE);
    KTUNE_CUPTI_NOTHROW(cuptiProfilerDeInitialize, p);
  }
  ProfilerLibrary(const ProfilerLibrary&) = delete;
  ProfilerLibrary& operator=(const ProfilerLibrary&) = delete;

  static std::shared_ptr<ProfilerLibrary> acquire() {
    static std::weak_ptr<ProfilerLibrary> shared;
    auto library = shared.lock();
    if (!library) {
      library = std::make_shared<ProfilerLibrary>();
      shared = library;
    }
    return library;
  }
};

std::vector<std::uint8_t> counter_availability(CUcontext context) {
  auto p = params<CUpti_Profiler_GetCounterAvailability_Params>(
      CUpti_Profiler_GetCounterAvailability_Params_STRUCT_SIZE);
  p.ctx = context;
  KTUNE_CUPTI(cuptiProfilerGetCounterAvailability, p);
  std::vector<std::uint8_t> image(p.counterAvailabilityImageSize);
  p.pCounterAvailabilityImage = image.data();
  KTUNE_CUPTI(cuptiProfilerGetCounterAvailability, p);
  return image;
}

bool same_request(const MetricRequest& a, const MetricRequest& b) {
  return a.flops == b.flops && a.extra == b.extra;
}

}  // namespace

struct CounterProfiler::Impl {
  int device = 0;
  std::string problem;
  std::string chip;
  std::shared_ptr<ProfilerLibrary> library;
  std::vector<std::uint8_t> availability;
  std::optional<MetricConfig> config;
  MetricRequest configured;

  // Device support, chip name and availability: once per device.
  void set_up(const CurrentContext& current) {
    library = ProfilerLibrary::acquire();
    auto support = params<CUpti_Profiler_DeviceSupported_Params>(
        CUpti_Profiler_DeviceSupported_Params_STRUCT_SIZE);
    support.cuDevice = current.device;
    support.api = CUPTI_PROFILER_RANGE_PROFILING;
    KTUNE_CUPTI(cuptiProfilerDeviceSupported, support);
    if (auto why = counters_unsupported(support); !why.empty()) {
      problem = why;
      return;
    }
    // Only now: cuptiDeviceGetChipName crashes when there is no device.
    auto name =
        params<CUpti_Device_GetChipName_Params>(CUpti_Device_GetChipName_Params_STRUCT_SIZE);
    name.deviceIndex = static_cast<std::size_t>(device);
    KTUNE_CUPTI(cuptiDeviceGetChipName, name);
    chip = name.pChipName ? name.pChipName : "";
    // Before the range profiler is enabled: the query fails while a session is active.
    availability = counter_availability(current.context);
  }

  const MetricConfig& config_for(const MetricRequest& request) {
    if (!config || !same_request(configured, request)) {
      config.reset();
      config.emplace(chip, request, availability);
      configured = request;
    }
    return *config;
  }
};

CounterProfiler::CounterProfiler(int device) : impl_(std::make_unique<Impl>()) {
  impl_->device = device;
}

CounterProfiler::~CounterProfiler() = default;

std::vector<Metric> CounterProfiler::collect(const MetricRequest& request,
                                             const std::string& range_name,
                                             const std::function<void()>& prepare,
                                             const std::function<void()>& launch) {
  auto& s = *impl_;
  if (!s.problem.empty()) return {};
  // Failures of the caller's own code (a launch error, a lost device) are not the profiler's:
  // they pass through unchanged.
  std::exception_ptr caller_failure;
  auto guarded = [&caller_failure](const std::function<void()>& body) {
    return [&body, &caller_failure] {
      try {
        if (body) body();
      } catch (...) {
        caller_failure = std::current_exception();
        throw;
      }
    };
  };
  try {
    const auto current = current_context();
    if (s.chip.empty()) {
      s.set_up(current);
      if (!s.problem.empty()) return {};
    }
    const MetricConfig& config = s.config_for(request);
    RangeProfiler profiler(current.context, config);
    return profiler.measure(range_name, guarded(prepare), guarded(launch));
  } catch (...) {
    if (caller_failure) std::rethrow_exception(caller_failure);
    try {
      throw;
    } catch (const CuptiError& e) {
      // Only the machine turns counters off; any other failure must not read as "counters
      // unavailable" (the GPU tests would report it as skipped): it propagates.
      if (!environment_problem(e.code())) throw;
      s.problem = counters_unavailable(e.code(), e.call());
    } catch (const CudaCallError& e) {
      // No driver or no device is the machine too (a CUDA device never gets here without them).
      if (e.status() != cudaErrorInsufficientDriver && e.status() != cudaErrorNoDevice &&
          e.status() != cudaErrorStubLibrary)
        throw;
      s.problem = "hardware counters unavailable: " + std::string(e.what());
    }
  }
  return {};
}

const std::string& CounterProfiler::problem() const {
  return impl_->problem;
}

const std::string& CounterProfiler::chip() const {
  return impl_->chip;
}

std::vector<std::string> CounterProfiler::dropped() const {
  std::vector<std::string> out;
  if (impl_->config)
    for (const auto& d : impl_->config->resolution().dropped)
      out.push_back(d.name + ": " + d.reason);
  return out;
}

}  // namespace ktune::profiles::cuda::cupti
