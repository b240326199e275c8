// Counter collection on the fake runtime: the range profiler's target side is scripted, the
// Profiler Host API is the real one (offline, chip GH100; label cupti_host: it aborts under
// AddressSanitizer). Only the environment turns counters off with a reason; any other CUPTI
// failure is an error, and a kernel fault while profiling is the variant's launch_error.
#include <gtest/gtest.h>

#include <string>

#include "profiles/metrics/metric_list.hpp"
#include "profiles/metrics/names.hpp"
#include "tests/unit/profiles/cuda/fault/fault_fixture.hpp"

namespace ktune::test {
namespace {

const auto* const kCache = ::testing::AddGlobalTestEnvironment(new IsolatedCompileCache);

class CuptiFault : public FaultTest {
 protected:
  std::vector<Metric> profile() {
    Geometry g;
    g.block = {256, 1, 1};
    g.grid = {kN / 256, 1, 1};
    profiles::Buffer* buffers[] = {buffer.get()};
    const std::vector<KernelArg> args{BufferArg{0}, std::int32_t{kN}, 1.0f};
    return device->profile(*scale, g, args, buffers, {});
  }
};

TEST_F(CuptiFault, CountersComeFromTheRangeProfiler) {
  const auto metrics = profile();
  EXPECT_TRUE(device->counters_problem().empty()) << device->counters_problem();
  ASSERT_FALSE(metrics.empty());
  EXPECT_TRUE(profiles::metrics::metric_value(metrics, profiles::metrics::kDramBytesRead));
  EXPECT_EQ(fake.count("cuptiRangeProfilerStart"), 1u);
}

TEST_F(CuptiFault, ThePermissionProblemTurnsCountersOffWithTheFix) {
  fake.fail("cuptiRangeProfilerEnable", CUPTI_ERROR_INSUFFICIENT_PRIVILEGES);
  EXPECT_TRUE(profile().empty());
  EXPECT_NE(device->counters_problem().find("NVreg_RestrictProfilingToAdminUsers"),
            std::string::npos)
      << device->counters_problem();
  EXPECT_TRUE(profile().empty());
  EXPECT_EQ(fake.count("cuptiRangeProfilerEnable"), 1u)
      << "tried again after the environment said no";
}

TEST_F(CuptiFault, CountersBusyElsewhereTurnCountersOffWithTheFix) {
  fake.fail("cuptiRangeProfilerEnable", CUPTI_ERROR_HARDWARE_BUSY);
  EXPECT_TRUE(profile().empty());
  EXPECT_NE(device->counters_problem().find("dcgmi profile --pause"), std::string::npos)
      << device->counters_problem();
}

// A failure that is not the environment's is ktune's (or CUPTI's): it must not read as
// "counters unavailable", which the GPU tests would report as skipped.
TEST_F(CuptiFault, AnyOtherCuptiFailureIsAnError) {
  fake.fail("cuptiRangeProfilerSetConfig", CUPTI_ERROR_INVALID_PARAMETER);
  try {
    profile();
    ADD_FAILURE() << "no error";
  } catch (const VariantFailure& e) {
    ADD_FAILURE() << "a variant failure: " << e.what();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cuptiRangeProfilerSetConfig"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("CUPTI_ERROR_INVALID_PARAMETER"), std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(device->counters_problem().empty()) << device->counters_problem();
}

TEST_F(CuptiFault, AKernelFaultWhileProfilingIsALaunchErrorAndCountersStillWork) {
  fake.poison("cuptiRangeProfilerDecodeData", cudaErrorIllegalAddress);
  expect_failure_and_recovery([&] { profile(); }, Outcome::launch_error);
  EXPECT_TRUE(device->counters_problem().empty()) << device->counters_problem();
  EXPECT_FALSE(profile().empty());
}

TEST_F(CuptiFault, AKernelFaultReportedWhenAPassStartsIsALaunchError) {
  fake.poison("cuptiRangeProfilerStart", cudaErrorIllegalAddress);
  expect_failure_and_recovery([&] { profile(); }, Outcome::launch_error);
}

}  // namespace
}  // namespace ktune::test
