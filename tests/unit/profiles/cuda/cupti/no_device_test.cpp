// Without a GPU the device-side CUPTI paths must degrade, never crash: the counter profiler
// reports why counters are unavailable (and never calls cuptiDeviceGetChipName, which crashes
// without a device); the activity timer refuses to start with the failed call named.
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <string>

#include "profiles/cuda/cupti/activity_timer.hpp"
#include "profiles/cuda/cupti/counter_profiler.hpp"
#include "profiles/cuda/cupti/cupti_check.hpp"

namespace ktune::profiles::cuda::cupti {
namespace {

bool have_device() {
  int count = 0;
  const bool found = cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
  cudaGetLastError();
  return found;
}

TEST(NoDevice, CounterProfilerDegradesWithOneReasonAndNeverLaunches) {
  if (have_device()) GTEST_SKIP() << "a CUDA device is present: tests/gpu covers this path";
  CounterProfiler profiler(0);
  int launches = 0;
  auto metrics = profiler.collect({}, "variant", {}, [&] { ++launches; });
  EXPECT_TRUE(metrics.empty());
  EXPECT_EQ(launches, 0);
  const std::string problem = profiler.problem();
  EXPECT_EQ(problem.rfind("hardware counters unavailable: ", 0), 0u) << problem;
  EXPECT_EQ(profiler.chip(), "");
  // Once unavailable, later collections return at once with the same single reason.
  EXPECT_TRUE(profiler.collect({}, "variant", {}, [&] { ++launches; }).empty());
  EXPECT_EQ(profiler.problem(), problem);
  EXPECT_EQ(launches, 0);
}

TEST(NoDevice, ActivityTimerRefusesToStartAndNamesTheCall) {
  if (have_device()) GTEST_SKIP() << "a CUDA device is present: tests/gpu covers this path";
  try {
    ActivityTimer timer;
    FAIL() << "the activity timer started without a device";
  } catch (const CuptiError& e) {
    EXPECT_NE(std::string(e.what()).find("cuptiActivity"), std::string::npos) << e.what();
  }
  // The failed attempt released the process-wide slot.
  EXPECT_THROW(ActivityTimer{}, CuptiError);
}

}  // namespace
}  // namespace ktune::profiles::cuda::cupti
