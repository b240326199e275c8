#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/error.hpp"
#include "profiles/backends.hpp"
#include "test_device.hpp"

namespace ktune::profiles {
namespace {

constexpr const char* kScale = R"(
__kernel void scale(const int n, const float factor, __global float* x) {
  const int i = get_global_id(0);
  if (i < n) x[i] = x[i] * factor + OFFSET;
})";

TEST(OpenCl, DiscoversDevicesWithLimits) {
  auto found = make_backend("opencl")->discover();
  ASSERT_FALSE(found.devices.empty()) << found.problem;
  const auto& d = found.devices.front();
  EXPECT_EQ(d.backend, "opencl");
  EXPECT_FALSE(d.name.empty());
  EXPECT_GT(d.compute_units, 0);
  EXPECT_GT(d.max_threads_per_block, 0);
  EXPECT_GT(d.shared_memory_per_block, 0u);
  EXPECT_GT(d.global_memory_bytes, 0u);
}

TEST(OpenCl, CompilesWithDefinesRunsAndReadsBack) {
  auto device = open_test_device();
  ASSERT_TRUE(device);
  auto program = device->compile({"scale", kScale, {{"OFFSET", "1.5f"}}, {}});
  EXPECT_GT(program->compile_ms, 0);
  std::vector<float> data{1, 2, 3, 4, 5};
  auto buffer = device->allocate(data.size() * sizeof(float));
  device->write(*buffer, std::as_bytes(std::span<const float>(data)));
  Buffer* buffers[] = {buffer.get()};
  const KernelArg args[] = {std::int32_t{5}, 2.0f, BufferArg{0}};
  Geometry g;
  g.grid = {2, 1, 1};
  g.block = {4, 1, 1};
  const double ms = device->run(*program, g, args, buffers);
  EXPECT_GT(ms, 0);
  device->read(*buffer, std::as_writable_bytes(std::span<float>(data)));
  EXPECT_EQ(data, (std::vector<float>{3.5f, 5.5f, 7.5f, 9.5f, 11.5f}));
}

TEST(OpenCl, ARunWithAHundredTimesTheWorkTakesLonger) {
  // The reported time is the kernel's own: side by side, 100 times the iterations of a dependent
  // chain must take longer (the fastest of three runs each, so one descheduling cannot decide).
  auto device = open_test_device();
  ASSERT_TRUE(device);
  auto program = device->compile({"spin",
                                  R"(
__kernel void spin(const int iterations, __global float* x) {
  float v = x[get_global_id(0)];
  for (int i = 0; i < iterations; ++i) v = v * 0.999f + 0.5f;
  x[get_global_id(0)] = v;
})",
                                  {},
                                  {}});
  auto buffer = device->allocate(256 * sizeof(float));
  device->write(*buffer, std::as_bytes(std::span<const float>(std::vector<float>(256, 1.0f))));
  Buffer* buffers[] = {buffer.get()};
  Geometry g;
  g.grid = {4, 1, 1};
  g.block = {64, 1, 1};
  auto fastest = [&](std::int32_t iterations) {
    const KernelArg args[] = {iterations, BufferArg{0}};
    double best = 1e300;
    for (int i = 0; i < 3; ++i)
      best = std::min(best, device->run(*program, g, args, buffers));
    return best;
  };
  fastest(1);  // the first launch pays for PoCL's lazy finalisation
  const double small = fastest(2'000), large = fastest(200'000);
  EXPECT_GT(small, 0);
  EXPECT_GT(large, small * 5) << small << " ms against " << large << " ms";
}

TEST(OpenCl, CompileErrorIsAVariantFailureWithTheLog) {
  auto device = open_test_device();
  ASSERT_TRUE(device);
  try {
    device->compile(
        {"scale", "__kernel void scale(__global float* x) { x[0] = undeclared; }", {}, {}});
    FAIL();
  } catch (const VariantFailure& f) {
    EXPECT_EQ(f.outcome(), Outcome::compile_error);
    EXPECT_NE(std::string(f.what()).find("undeclared"), std::string::npos) << f.what();
  }
}

TEST(OpenCl, MissingEntryPointIsACompileError) {
  auto device = open_test_device();
  ASSERT_TRUE(device);
  try {
    device->compile({"other", kScale, {{"OFFSET", "0"}}, {}});
    FAIL();
  } catch (const VariantFailure& f) {
    EXPECT_EQ(f.outcome(), Outcome::compile_error);
    EXPECT_NE(std::string(f.what()).find("other"), std::string::npos) << f.what();
  }
}

TEST(OpenCl, TooManyThreadsIsResourceExceeded) {
  auto device = open_test_device();
  ASSERT_TRUE(device);
  auto program = device->compile({"scale", kScale, {{"OFFSET", "0"}}, {}});
  auto buffer = device->allocate(64);
  Buffer* buffers[] = {buffer.get()};
  const KernelArg args[] = {std::int32_t{1}, 1.0f, BufferArg{0}};
  Geometry g;
  g.block = {static_cast<std::uint32_t>(device->info().max_threads_per_block) * 2, 1, 1};
  try {
    device->run(*program, g, args, buffers);
    FAIL();
  } catch (const VariantFailure& f) {
    EXPECT_EQ(f.outcome(), Outcome::resource_exceeded) << f.what();
  }
}

TEST(OpenCl, BadDeviceIndexIsAUsageError) {
  EXPECT_THROW(make_backend("opencl")->open(99), UsageError);
  EXPECT_THROW(make_backend("vulkan"), UsageError);
}

TEST(Selection, PicksAnOpenClDeviceWithoutAGpu) {
  auto s = select_device("opencl", -1);
  EXPECT_EQ(s.device.backend, "opencl");
  EXPECT_THROW(select_device("opencl", 42), UsageError);
}

}  // namespace
}  // namespace ktune::profiles
