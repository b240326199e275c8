#pragma once
// A CUDA device opened on the fake runtime, with one buffer of known contents and a compiled
// `scale` kernel whose launch the fake runs on the host. The fake is installed before the device
// exists and removed after it is gone; at the end of each test nothing may have waited for an
// endless kernel, used a handle from before a reset, or touched memory the fake never gave out.
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <memory>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/outcome.hpp"
#include "profiles/cuda/cuda_backend.hpp"
#include "profiles/device.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/unit/profiles/cuda/fault/fake_runtime.hpp"

namespace ktune::test {

// Compiled images go to a fresh cache directory for the whole test program.
class IsolatedCompileCache : public ::testing::Environment {
 public:
  void SetUp() override { setenv("XDG_CACHE_HOME", dir_.path().c_str(), 1); }

 private:
  TempDir dir_;
};

inline const char* kScaleCode = R"(
extern "C" __global__ void ENTRY(float* data, int n, float factor) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) data[i] *= factor;
})";

// The scale kernel's source under another entry name (the fake scripts kernels by name).
inline KernelSource kernel_named(const std::string& entry) {
  return {entry, kScaleCode, {{"ENTRY", entry}}, {}};
}

// What the scale kernel does, run by the fake on the host.
inline void scale_on_host(void** args) {
  float* data = *static_cast<float**>(args[0]);
  const int n = *static_cast<int*>(args[1]);
  const float factor = *static_cast<float*>(args[2]);
  for (int i = 0; i < n; ++i)
    data[i] *= factor;
}

class FaultTest : public ::testing::Test {
 protected:
  static constexpr int kN = 1024;
  static constexpr double kScaleMs = 0.25;  // what the fake's clock gives a scale kernel

  void SetUp() override {
    fake.on_launch("scale", scale_on_host, kScaleMs);
    fake.on_launch("spin", scale_on_host, kScaleMs);
    data.resize(kN);
    std::iota(data.begin(), data.end(), 1.0f);
    device = profiles::cuda::make_backend()->open(0);
    buffer = device->allocate(kN * sizeof(float));
    device->write(*buffer, std::as_bytes(std::span<const float>(data)));
    scale = device->compile(kernel_named("scale"));
  }

  void TearDown() override {
    scale.reset();
    buffer.reset();
    device.reset();
    EXPECT_TRUE(fake.problems().empty()) << fake.problems_text();
  }

  double run(profiles::Program& program, float factor, std::uint32_t dynamic_shared = 0) {
    Geometry g;
    g.block = {256, 1, 1};
    g.grid = {kN / 256, 1, 1};
    g.dynamic_shared_bytes = dynamic_shared;
    profiles::Buffer* buffers[] = {buffer.get()};
    const std::vector<KernelArg> args{BufferArg{0}, std::int32_t{kN}, factor};
    return device->run(program, g, args, buffers);
  }

  std::vector<float> read_back() {
    std::vector<float> out(kN);
    device->read(*buffer, std::as_writable_bytes(std::span<float>(out)));
    return out;
  }

  std::vector<float> times(float factor) const {
    auto out = data;
    for (auto& x : out)
      x *= factor;
    return out;
  }

  // The variant ends with `outcome`; the device is reset once, the buffer comes back with what
  // was last written, and the next variant runs and is measured (the fake's time for it).
  void expect_failure_and_recovery(const std::function<void()>& failing, Outcome outcome) {
    try {
      failing();
      ADD_FAILURE() << "no failure";
    } catch (const VariantFailure& e) {
      EXPECT_EQ(e.outcome(), outcome) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a variant failure: " << e.what();
    }
    EXPECT_EQ(read_back(), data) << "the buffer was not restored";
    EXPECT_EQ(fake.resets(), 1);
    EXPECT_DOUBLE_EQ(run(*scale, 3.0f), kScaleMs) << "the next run is not timed right";
    EXPECT_EQ(read_back(), times(3.0f));
  }

  FakeRuntime fake;  // first in, last out
  std::vector<float> data;
  std::unique_ptr<profiles::Device> device;
  std::unique_ptr<profiles::Buffer> buffer;
  std::unique_ptr<profiles::Program> scale;
};

}  // namespace ktune::test
