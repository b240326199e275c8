#include "profiles/cuda/cupti/degradation.hpp"

#include <fmt/format.h>

#include "profiles/cuda/cupti/cupti_check.hpp"

namespace ktune::profiles::cuda::cupti {
namespace {

constexpr std::string_view kPrefix = "hardware counters unavailable: ";
constexpr std::string_view kFallback =
    "; timing goes on, bytes and FLOPs come from the kernel's model";

std::string advice(CUptiResult code) {
  switch (code) {
    case CUPTI_ERROR_INSUFFICIENT_PRIVILEGES:
      return "GPU performance counters are restricted to administrators (ERR_NVGPUCTRPERM): run "
             "as root, or load the driver with NVreg_RestrictProfilingToAdminUsers=0 (see "
             "docs/PROFILING.md); in a container add --cap-add SYS_ADMIN";
    case CUPTI_ERROR_VIRTUALIZED_DEVICE_INSUFFICIENT_PRIVILEGES:
      return "profiling is not enabled for this vGPU: the host administrator must enable it for "
             "the VM";
    case CUPTI_ERROR_HARDWARE_BUSY:
      return "the GPU's counters are in use by another profiler (Nsight Compute, Nsight Systems "
             "--gpu-metrics, DCGM): stop it, or pause DCGM with 'dcgmi profile --pause'";
    case CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED:
    case CUPTI_ERROR_DISABLED:
    case CUPTI_ERROR_OLD_PROFILER_API_INITIALIZED:
      return "another CUPTI tool is attached to this process (nsys, ncu, compute-sanitizer): run "
             "ktune without it to collect counters";
    case CUPTI_ERROR_MIG_DEVICE_NOT_SUPPORTED:
      return "counters cannot be collected on a MIG instance: profile on a whole GPU";
    case CUPTI_ERROR_SLI_DEVICE_NOT_SUPPORTED:
      return "counters cannot be collected with SLI enabled: disable SLI";
    case CUPTI_ERROR_WSL_DEVICE_NOT_SUPPORTED:
      return "counters are not supported under WSL on this driver: profile on native Linux";
    case CUPTI_ERROR_CMP_DEVICE_NOT_SUPPORTED:
      return "NVIDIA CMP devices do not support profiling";
    case CUPTI_ERROR_CONFIDENTIAL_COMPUTING_NOT_SUPPORTED:
      return "counters are not available with confidential computing enabled";
    case CUPTI_ERROR_VIRTUALIZED_DEVICE_NOT_SUPPORTED:
      return "this virtualized GPU does not support profiling";
    case CUPTI_ERROR_INVALID_CHIP_NAME:
      return "this GPU is newer than the CUPTI ktune was built with: rebuild ktune with a newer "
             "CUDA toolkit";
    case CUPTI_ERROR_NOT_INITIALIZED:
    case CUPTI_ERROR_NOT_COMPATIBLE:
      return "the NVIDIA driver is too old for this CUPTI: update the driver";
    case CUPTI_ERROR_NOT_SUPPORTED:
      return "CUPTI does not support counters on this device and driver";
    default:
      return {};
  }
}

std::string level_problem(CUpti_Profiler_Support_Level level, std::string_view unsupported,
                          std::string_view disabled) {
  if (level == CUPTI_PROFILER_CONFIGURATION_UNSUPPORTED) return std::string(unsupported);
  if (level == CUPTI_PROFILER_CONFIGURATION_DISABLED) return std::string(disabled);
  return {};
}

}  // namespace

bool environment_problem(CUptiResult code) {
  return !advice(code).empty();
}

std::string counters_unavailable(CUptiResult code, std::string_view call) {
  std::string why = advice(code);
  if (why.empty())
    why = fmt::format("{} failed: {} ({})", call, result_name(code), static_cast<int>(code));
  else
    why += fmt::format(" ({} returned {})", call, result_name(code));
  return fmt::format("{}{}{}", kPrefix, why, kFallback);
}

std::string counters_unsupported(const CUpti_Profiler_DeviceSupported_Params& s) {
  if (s.isSupported == CUPTI_PROFILER_CONFIGURATION_SUPPORTED) return {};
  const std::pair<CUpti_Profiler_Support_Level, std::pair<std::string_view, std::string_view>>
      checks[] = {
          {s.architecture,
           {"the GPU's architecture has no range profiler (compute capability 7.0 or newer needed)",
            "profiling is disabled for this architecture"}},
          {s.sli, {"counters cannot be collected with SLI enabled: disable SLI", "SLI"}},
          {s.vGpu,
           {"this vGPU does not support profiling",
            "profiling is not enabled for this vGPU: the host administrator must enable it for "
            "the VM"}},
          {s.confidentialCompute,
           {"counters are not available with confidential computing enabled",
            "counters are disabled by confidential computing"}},
          {s.cmp, {"NVIDIA CMP devices do not support profiling", "profiling is disabled"}},
          {s.wsl,
           {"counters are not supported under WSL on this driver: profile on native Linux",
            "profiling is disabled under WSL: enable GPU performance counters in the NVIDIA "
            "Control Panel on Windows"}},
      };
  for (const auto& [level, texts] : checks) {
    auto why = level_problem(level, texts.first, texts.second);
    if (!why.empty()) return fmt::format("{}{}{}", kPrefix, why, kFallback);
  }
  return fmt::format("{}CUPTI reports this device as unsupported for range profiling{}", kPrefix,
                     kFallback);
}

}  // namespace ktune::profiles::cuda::cupti
