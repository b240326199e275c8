#include "profiles/cuda/cupti/host_object.hpp"

#include <utility>

#include "profiles/cuda/cupti/cupti_check.hpp"

namespace ktune::profiles::cuda::cupti {

HostObject::HostObject(const std::string& chip, std::span<const std::uint8_t> availability) {
  auto p = params<CUpti_Profiler_Host_Initialize_Params>(
      CUpti_Profiler_Host_Initialize_Params_STRUCT_SIZE);
  p.profilerType = CUPTI_PROFILER_TYPE_RANGE_PROFILER;
  p.pChipName = chip.c_str();
  p.pCounterAvailabilityImage = availability.empty() ? nullptr : availability.data();
  KTUNE_CUPTI(cuptiProfilerHostInitialize, p);
  object_ = p.pHostObject;
}

HostObject::~HostObject() {
  release();
}

HostObject::HostObject(HostObject&& other) noexcept
    : object_(std::exchange(other.object_, nullptr)) {}

HostObject& HostObject::operator=(HostObject&& other) noexcept {
  if (this != &other) {
    release();
    object_ = std::exchange(other.object_, nullptr);
  }
  return *this;
}

void HostObject::release() noexcept {
  if (!object_) return;
  auto p = params<CUpti_Profiler_Host_Deinitialize_Params>(
      CUpti_Profiler_Host_Deinitialize_Params_STRUCT_SIZE);
  p.pHostObject = std::exchange(object_, nullptr);
  KTUNE_CUPTI_NOTHROW(cuptiProfilerHostDeinitialize, p);
}

std::set<std::string, std::less<>> base_metrics(const HostObject& host) {
  std::set<std::string, std::less<>> names;
  for (auto type :
       {CUPTI_METRIC_TYPE_COUNTER, CUPTI_METRIC_TYPE_RATIO, CUPTI_METRIC_TYPE_THROUGHPUT}) {
    auto p = params<CUpti_Profiler_Host_GetBaseMetrics_Params>(
        CUpti_Profiler_Host_GetBaseMetrics_Params_STRUCT_SIZE);
    p.pHostObject = host.get();
    p.metricType = type;
    KTUNE_CUPTI(cuptiProfilerHostGetBaseMetrics, p);
    for (std::size_t i = 0; i < p.numMetrics; ++i)
      names.emplace(p.ppMetricNames[i]);
  }
  return names;
}

}  // namespace ktune::profiles::cuda::cupti
