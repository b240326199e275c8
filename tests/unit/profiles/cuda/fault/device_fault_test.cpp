// The CUDA device's failure paths, on the fake runtime (no GPU): a kernel fault reported by any
// call is the variant's launch_error and the device recovers; a kernel that never ends is a
// timeout and nothing waits for it; image errors of lazy loading are compile errors; a compile
// without a ptxas report takes its resources from the driver; an old driver says what it
// supports; dynamic shared memory above 48 KiB is opted in; the L2 flush ends with clean lines.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "profiles/cuda/cuda_backend.hpp"
#include "profiles/cuda/nvrtc_compiler.hpp"
#include "profiles/transfers.hpp"
#include "tests/unit/profiles/cuda/fault/fault_fixture.hpp"

namespace ktune::test {
namespace {

const auto* const kCache = ::testing::AddGlobalTestEnvironment(new IsolatedCompileCache);

using CudaFault = FaultTest;

// --- d: a context-poisoning error, whichever call reports it

TEST_F(CudaFault, StickyErrorAtTheLaunchIsALaunchErrorAndTheNextVariantIsMeasured) {
  fake.poison("cudaLaunchKernel", cudaErrorIllegalAddress);
  expect_failure_and_recovery([&] { run(*scale, 2.0f); }, Outcome::launch_error);
}

TEST_F(CudaFault, StickyErrorAtTheStopEventIsALaunchErrorAndTheNextVariantIsMeasured) {
  fake.poison("cudaEventRecord", cudaErrorMisalignedAddress, 2);  // start, then stop
  expect_failure_and_recovery([&] { run(*scale, 2.0f); }, Outcome::launch_error);
}

TEST_F(CudaFault, StickyErrorAtTheStopEventPollIsALaunchErrorAndTheNextVariantIsMeasured) {
  fake.poison("cudaEventQuery", cudaErrorLaunchFailure);
  expect_failure_and_recovery([&] { run(*scale, 2.0f); }, Outcome::launch_error);
}

TEST_F(CudaFault, StickyErrorAtTheEventTimerIsALaunchErrorAndTheNextVariantIsMeasured) {
  fake.poison("cudaEventElapsedTime", cudaErrorIllegalInstruction);
  expect_failure_and_recovery([&] { run(*scale, 2.0f); }, Outcome::launch_error);
}

TEST_F(CudaFault, StickyErrorAtACopyIsALaunchErrorAndTheNextVariantIsMeasured) {
  run(*scale, 2.0f);
  fake.poison("cudaMemcpyAsync", cudaErrorIllegalAddress);
  expect_failure_and_recovery([&] { read_back(); }, Outcome::launch_error);
}

TEST_F(CudaFault, StickyErrorAtASynchroniseIsALaunchErrorAndTheNextVariantIsMeasured) {
  run(*scale, 2.0f);
  fake.poison("cudaStreamSynchronize", cudaErrorHardwareStackError);
  expect_failure_and_recovery([&] { read_back(); }, Outcome::launch_error);
}

TEST_F(CudaFault, StickyErrorAtTheCacheFlushIsALaunchErrorAndTheNextVariantIsMeasured) {
  fake.poison_now(cudaErrorIllegalAddress);  // the last kernel faulted; the flush hears of it
  expect_failure_and_recovery([&] { device->flush_caches(); }, Outcome::launch_error);
}

TEST_F(CudaFault, StickyErrorUnderTheActivityTimerIsALaunchErrorAndTheNextVariantIsMeasured) {
  ASSERT_EQ(device->set_timer("cupti"), "");
  EXPECT_DOUBLE_EQ(run(*scale, 1.0f), kScaleMs);  // the kernel's own time, from its record
  fake.poison("cudaDeviceSynchronize", cudaErrorIllegalAddress);
  expect_failure_and_recovery([&] { run(*scale, 2.0f); }, Outcome::launch_error);
}

TEST_F(CudaFault, StickyErrorAtTheActivityFlushIsALaunchErrorAndTheNextVariantIsMeasured) {
  ASSERT_EQ(device->set_timer("cupti"), "");
  fake.poison("cuptiActivityFlushAll", cudaErrorIllegalAddress);
  expect_failure_and_recovery([&] { run(*scale, 2.0f); }, Outcome::launch_error);
}

// --- issue 17: only the environment's refusal of the CUPTI timer is a warning

TEST_F(CudaFault, AnotherToolHoldingCuptiLeavesEventTimingWithAWarning) {
  fake.fail("cuptiActivityRegisterCallbacks", CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED);
  const auto warning = device->set_timer("cupti");
  EXPECT_NE(warning.find("CUPTI_ERROR_MULTIPLE_SUBSCRIBERS_NOT_SUPPORTED"), std::string::npos)
      << warning;
  EXPECT_DOUBLE_EQ(run(*scale, 1.0f), kScaleMs);
}

TEST_F(CudaFault, AnyOtherFailureOfTheCuptiTimerIsAnError) {
  fake.fail("cuptiActivityEnable", CUPTI_ERROR_INVALID_PARAMETER);
  EXPECT_THROW(device->set_timer("cupti"), Error);
}

// --- b: a kernel that never ends

TEST_F(CudaFault, AnEndlessKernelIsATimeoutAndNothingWaitsForIt) {
  auto spin = device->compile(kernel_named("spin"));
  fake.endless("spin");
  device->set_run_timeout(20);
  expect_failure_and_recovery([&] { run(*spin, 2.0f); }, Outcome::timeout);
  device->set_run_timeout(10'000);
}

TEST_F(CudaFault, DestroyingEverythingAfterATimeoutWaitsForNothing) {
  auto spin = device->compile(kernel_named("spin"));
  fake.endless("spin");
  device->set_run_timeout(20);
  EXPECT_THROW(run(*spin, 2.0f), VariantFailure);
  spin.reset();
  scale.reset();
  buffer.reset();
  device.reset();  // TearDown checks that nothing waited
  EXPECT_EQ(fake.resets(), 1) << "the endless kernel must be ended";
}

// A process that closed its devices holds no context: ktune measures the copies on a device it
// opens for that alone while its worker owns the device, and on a GPU in exclusive-process mode
// a context left in ktune would stop the worker from creating its own.
TEST_F(CudaFault, ClosingTheLastDeviceOfAnOrdinalReleasesItsContext) {
  auto second = profiles::cuda::make_backend()->open(0);
  second.reset();
  EXPECT_EQ(fake.resets(), 0) << "another device of this process still uses the context";
  scale.reset();
  buffer.reset();
  device.reset();  // TearDown checks that nothing was touched after the reset
  EXPECT_EQ(fake.resets(), 1) << "the last device closed must release the context";
}

// --- h: the reset is pending until it succeeded

TEST_F(CudaFault, AFailedResetIsRetriedBeforeTheNextOperation) {
  fake.poison("cudaLaunchKernel", cudaErrorIllegalAddress);
  fake.fail("cudaDeviceReset", cudaErrorUnknown);
  EXPECT_THROW(run(*scale, 2.0f), VariantFailure);
  EXPECT_THROW(read_back(), Error);  // the reset failed: the device cannot go on yet
  EXPECT_EQ(read_back(), data);      // tried again, and it worked
  EXPECT_EQ(fake.count("cudaDeviceReset"), 2u);
  EXPECT_EQ(fake.resets(), 1);
}

// --- e: lazy loading reports image errors at the first use

TEST_F(CudaFault, AnImageTheDeviceCannotRunIsACompileErrorNotALaunchError) {
  fake.lazy_load_error("unloadable", cudaErrorNoKernelImageForDevice);
  try {
    device->compile(kernel_named("unloadable"));
    ADD_FAILURE() << "compiled";
  } catch (const VariantFailure& e) {
    EXPECT_EQ(e.outcome(), Outcome::compile_error) << e.what();
    EXPECT_NE(std::string(e.what()).find("cudaErrorNoKernelImageForDevice"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(fake.resets(), 0);
  EXPECT_GT(run(*scale, 2.0f), 0.0);
}

TEST_F(CudaFault, InvalidPtxAtTheLaunchIsACompileError) {
  auto program = device->compile(kernel_named("late"));
  fake.lazy_load_error("late", cudaErrorInvalidPtx);  // as after a reset, when it reloads
  try {
    run(*program, 2.0f);
    ADD_FAILURE() << "ran";
  } catch (const VariantFailure& e) {
    EXPECT_EQ(e.outcome(), Outcome::compile_error) << e.what();
  }
  EXPECT_GT(run(*scale, 2.0f), 0.0);
}

// --- a: NVRTC's own cache hides the ptxas report

TEST_F(CudaFault, NvrtcsOwnCacheIsTurnedOff) {
  if (std::stod(profiles::cuda::nvrtc_version()) < 12.9)
    GTEST_SKIP() << "NVRTC before 12.9 has no cache of its own";
  device->compile(kernel_named("fresh"));
  const auto options = fake.compile_options();
  EXPECT_NE(std::find(options.begin(), options.end(), "--no-cache"), options.end());
}

TEST_F(CudaFault, WithoutAPtxasReportTheResourcesComeFromTheDriver) {
  fake.drop_compile_logs();
  cudaFuncAttributes attributes{};
  attributes.numRegs = 40;
  attributes.sharedSizeBytes = 2048;
  attributes.localSizeBytes = 16;
  attributes.constSizeBytes = 64;
  attributes.maxThreadsPerBlock = 1024;
  fake.attributes("quiet", attributes);
  auto program = device->compile(kernel_named("quiet"));
  EXPECT_EQ(program->resources.registers, 40);
  EXPECT_EQ(program->resources.shared_bytes, 2048);
  EXPECT_EQ(program->resources.stack_bytes, 16);
  EXPECT_GT(run(*program, 2.0f), 0.0);
}

// --- dynamic shared memory above 48 KiB

TEST_F(CudaFault, DynamicSharedMemoryAbove48KiBIsOptedInWithItsSize) {
  run(*scale, 1.0f, 40 * 1024);
  EXPECT_TRUE(fake.attribute_sets().empty()) << "opted in below 48 KiB";
  run(*scale, 1.0f, 64 * 1024);
  run(*scale, 1.0f, 100 * 1024);
  ASSERT_EQ(fake.attribute_sets().size(), 2u);
  for (const auto& set : fake.attribute_sets())
    EXPECT_EQ(set.attribute, cudaFuncAttributeMaxDynamicSharedMemorySize);
  EXPECT_EQ(fake.attribute_sets()[0].value, 64 * 1024);
  EXPECT_EQ(fake.attribute_sets()[1].value, 100 * 1024);
  run(*scale, 1.0f, 64 * 1024);
  EXPECT_EQ(fake.attribute_sets().size(), 2u) << "opted in again for less";
}

// --- f: the L2 flush leaves clean lines behind

TEST_F(CudaFault, TheCacheFlushEndsWithAReadOfMoreThanTheL2) {
  unsigned long long swept = 0;
  fake.on_launch("ktune_l2_read_sweep", [&](void** args) {
    swept = *static_cast<unsigned long long*>(args[1]) * 16;  // uint4 elements
  });
  const auto before = fake.calls().size();
  device->flush_caches();
  std::vector<std::string> enqueued;
  for (auto i = before; i < fake.calls().size(); ++i)
    if (fake.calls()[i] == "cudaLaunchKernel" || fake.calls()[i] == "cudaMemsetAsync" ||
        fake.calls()[i] == "cudaMemcpyAsync")
      enqueued.push_back(fake.calls()[i]);
  ASSERT_FALSE(enqueued.empty());
  EXPECT_EQ(enqueued.back(), "cudaLaunchKernel") << "the flush must end with a read sweep";
  ASSERT_FALSE(fake.launches().empty());
  EXPECT_EQ(fake.launches().back().entry, "ktune_l2_read_sweep");
  EXPECT_GE(swept, device->info().l2_bytes);
}

// --- c: a driver older than the runtime

TEST(CudaDriver, ADriverOlderThanTheRuntimeSaysWhatItSupportsAndWhatIsNeeded) {
  FakeRuntime fake;
  fake.driver(12080, cudaErrorInsufficientDriver);
  const auto found = profiles::cuda::make_backend()->discover();
  EXPECT_TRUE(found.devices.empty());
  EXPECT_NE(found.problem.find("supports CUDA 12.8"), std::string::npos) << found.problem;
  EXPECT_NE(found.problem.find("CUDA 13.0"), std::string::npos) << found.problem;
  EXPECT_NE(found.problem.find("R580"), std::string::npos) << found.problem;
  EXPECT_EQ(found.problem.find("no NVIDIA driver"), std::string::npos) << found.problem;
  EXPECT_EQ(found.problem.find('\n'), std::string::npos);
}

TEST(CudaDriver, NoDriverAtAllIsSaidSo) {
  FakeRuntime fake;
  fake.driver(0, cudaErrorInsufficientDriver);
  EXPECT_EQ(profiles::cuda::make_backend()->discover().problem,
            "CUDA: no NVIDIA driver found (cudaErrorInsufficientDriver (35))");
}

// Transfers on CUDA: cudaMemcpyAsync between the device's events, from pageable memory and from
// cudaMallocHost memory (the fake copies pinned memory at 25 GB/s, pageable at 10 GB/s), every
// pinned allocation freed again.
TEST_F(CudaFault, CopiesAreTimedByEventsFromPageableAndPinnedMemory) {
  ASSERT_TRUE(device->has_pinned_memory());
  profiles::TransferSizes sizes{{4'000'000, 1'000'000}, 2'000'000};
  profiles::TransferOptions options;
  options.min_runs = 3;
  options.max_runs = 3;
  const auto t = profiles::measure_transfers(*device, sizes, options);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].direction, CopyDirection::host_to_device);
  EXPECT_EQ(t[0].memory, HostMemory::pageable);
  EXPECT_EQ(t[0].bytes, 5'000'000u);
  EXPECT_NEAR(t[0].time.median, 0.5, 1e-4);  // 5 MB at 10 GB/s, as the events read it
  EXPECT_EQ(t[1].direction, CopyDirection::device_to_host);
  EXPECT_NEAR(t[1].time.median, 0.2, 1e-4);
  EXPECT_EQ(t[2].memory, HostMemory::pinned);
  EXPECT_NEAR(t[2].time.median, 0.2, 1e-4);  // 5 MB at 25 GB/s
  EXPECT_NEAR(t[3].time.median, 0.08, 1e-4);
  EXPECT_EQ(t[0].time.count, 3u);
  EXPECT_EQ(fake.count("cudaMallocHost"), fake.count("cudaFreeHost"));
  EXPECT_EQ(fake.count("cudaMallocHost"), 3u);  // two inputs and the output
  EXPECT_NEAR(*round_trip_ms(t, HostMemory::pinned), 0.28, 1e-4);
}

// A failure while copying is the device's error, said as such, and the device still works.
TEST_F(CudaFault, AFailedPinnedAllocationIsAClearError) {
  fake.fail("cudaMallocHost", cudaErrorMemoryAllocation);
  profiles::TransferSizes sizes{{1000}, 1000};
  try {
    profiles::measure_transfers(*device, sizes);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("pinned host memory"), std::string::npos) << e.what();
  }
  EXPECT_DOUBLE_EQ(run(*scale, 2.0f), kScaleMs);
}

}  // namespace
}  // namespace ktune::test
