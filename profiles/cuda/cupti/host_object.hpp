#pragma once
// RAII owner of a CUPTI Profiler Host API object (cuptiProfilerHostInitialize/Deinitialize) for
// the range profiler on one chip. Works offline, from a chip name alone; on a device, pass its
// counter-availability image so that CUPTI leaves out counters the device cannot collect.
#include <cupti_profiler_host.h>

#include <cstdint>
#include <set>
#include <span>
#include <string>

namespace ktune::profiles::cuda::cupti {

class HostObject {
 public:
  explicit HostObject(const std::string& chip, std::span<const std::uint8_t> availability = {});
  ~HostObject();
  HostObject(HostObject&& other) noexcept;
  HostObject& operator=(HostObject&& other) noexcept;
  HostObject(const HostObject&) = delete;
  HostObject& operator=(const HostObject&) = delete;

  CUpti_Profiler_Host_Object* get() const { return object_; }

 private:
  void release() noexcept;
  CUpti_Profiler_Host_Object* object_ = nullptr;
};

// Every base metric of the chip (counters, ratios and throughputs), by name.
std::set<std::string, std::less<>> base_metrics(const HostObject& host);

}  // namespace ktune::profiles::cuda::cupti
