// The one-line warnings that replace counters when they cannot be collected: each names the
// cause and the fix, and says that tuning goes on without counters.
#include <gtest/gtest.h>

#include <string>

#include "profiles/cuda/cupti/cupti_check.hpp"
#include "profiles/cuda/cupti/degradation.hpp"

namespace ktune::profiles::cuda::cupti {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(Degradation, InsufficientPrivilegesSaysHowToGrantThem) {
  const auto text =
      counters_unavailable(CUPTI_ERROR_INSUFFICIENT_PRIVILEGES, "cuptiRangeProfilerEnable");
  EXPECT_TRUE(contains(text, "ERR_NVGPUCTRPERM")) << text;
  EXPECT_TRUE(contains(text, "NVreg_RestrictProfilingToAdminUsers=0")) << text;
  EXPECT_TRUE(
      contains(text, "cuptiRangeProfilerEnable returned CUPTI_ERROR_INSUFFICIENT_PRIVILEGES"))
      << text;
  EXPECT_TRUE(contains(text, "timing goes on")) << text;
  EXPECT_EQ(text.find('\n'), std::string::npos);
}

TEST(Degradation, BusyCountersNameTheOtherProfilers) {
  const auto text = counters_unavailable(CUPTI_ERROR_HARDWARE_BUSY, "cuptiRangeProfilerEnable");
  EXPECT_TRUE(contains(text, "dcgmi profile --pause")) << text;
  EXPECT_TRUE(contains(text, "Nsight Compute")) << text;
}

TEST(Degradation, UnsupportedDevicesSayWhatToUseInstead) {
  EXPECT_TRUE(
      contains(counters_unavailable(CUPTI_ERROR_MIG_DEVICE_NOT_SUPPORTED, "x"), "whole GPU"));
  EXPECT_TRUE(
      contains(counters_unavailable(CUPTI_ERROR_WSL_DEVICE_NOT_SUPPORTED, "x"), "native Linux"));
  EXPECT_TRUE(
      contains(counters_unavailable(CUPTI_ERROR_INVALID_CHIP_NAME, "x"), "newer CUDA toolkit"));
  EXPECT_TRUE(contains(
      counters_unavailable(CUPTI_ERROR_VIRTUALIZED_DEVICE_INSUFFICIENT_PRIVILEGES, "x"), "vGPU"));
}

TEST(Degradation, AnyOtherFailureNamesTheCallAndResult) {
  const auto text = counters_unavailable(CUPTI_ERROR_UNKNOWN, "cuptiRangeProfilerSetConfig");
  EXPECT_TRUE(contains(text, "cuptiRangeProfilerSetConfig failed: CUPTI_ERROR_UNKNOWN (999)"))
      << text;
}

// Only the machine's refusals turn counters off; anything else is a defect to report, never a
// reason to skip (issue 17).
TEST(Degradation, OnlyTheEnvironmentsCodesTurnCountersOff) {
  for (auto code :
       {CUPTI_ERROR_INSUFFICIENT_PRIVILEGES, CUPTI_ERROR_HARDWARE_BUSY,
        CUPTI_ERROR_MIG_DEVICE_NOT_SUPPORTED, CUPTI_ERROR_VIRTUALIZED_DEVICE_NOT_SUPPORTED,
        CUPTI_ERROR_VIRTUALIZED_DEVICE_INSUFFICIENT_PRIVILEGES, CUPTI_ERROR_NOT_SUPPORTED,
        CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED, CUPTI_ERROR_INVALID_CHIP_NAME})
    EXPECT_TRUE(environment_problem(code)) << result_name(code);
  for (auto code :
       {CUPTI_ERROR_INVALID_PARAMETER, CUPTI_ERROR_INVALID_OPERATION, CUPTI_ERROR_UNKNOWN,
        CUPTI_ERROR_INVALID_METRIC_NAME, CUPTI_ERROR_OUT_OF_MEMORY, CUPTI_ERROR_INVALID_CONTEXT})
    EXPECT_FALSE(environment_problem(code)) << result_name(code);
}

TEST(Degradation, DeviceSupportFlagsPickTheReason) {
  CUpti_Profiler_DeviceSupported_Params support{};
  support.isSupported = CUPTI_PROFILER_CONFIGURATION_SUPPORTED;
  EXPECT_EQ(counters_unsupported(support), "");

  support.isSupported = CUPTI_PROFILER_CONFIGURATION_UNSUPPORTED;
  support.architecture = CUPTI_PROFILER_CONFIGURATION_SUPPORTED;
  support.sli = CUPTI_PROFILER_CONFIGURATION_SUPPORTED;
  support.vGpu = CUPTI_PROFILER_CONFIGURATION_DISABLED;
  EXPECT_TRUE(contains(counters_unsupported(support), "host administrator must enable it"));

  support.vGpu = CUPTI_PROFILER_CONFIGURATION_SUPPORTED;
  support.confidentialCompute = CUPTI_PROFILER_CONFIGURATION_SUPPORTED;
  support.cmp = CUPTI_PROFILER_CONFIGURATION_SUPPORTED;
  support.wsl = CUPTI_PROFILER_CONFIGURATION_UNSUPPORTED;
  EXPECT_TRUE(contains(counters_unsupported(support), "WSL"));
}

TEST(CuptiCheck, ErrorNamesTheCallAndCuptisResultName) {
  try {
    check(CUPTI_ERROR_INVALID_PARAMETER, "cuptiProfilerHostConfigAddMetrics");
    FAIL() << "did not throw";
  } catch (const CuptiError& e) {
    EXPECT_STREQ(
        e.what(),
        "CUPTI: cuptiProfilerHostConfigAddMetrics failed: CUPTI_ERROR_INVALID_PARAMETER (1)");
    EXPECT_EQ(e.code(), CUPTI_ERROR_INVALID_PARAMETER);
    EXPECT_EQ(e.call(), "cuptiProfilerHostConfigAddMetrics");
  }
  EXPECT_NO_THROW(check(CUPTI_SUCCESS, "cuptiGetVersion"));
  EXPECT_TRUE(check_nothrow(CUPTI_SUCCESS, "cuptiGetVersion"));
  EXPECT_FALSE(check_nothrow(CUPTI_ERROR_UNKNOWN, "cuptiRangeProfilerDisable"));
}

}  // namespace
}  // namespace ktune::profiles::cuda::cupti
