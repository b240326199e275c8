// CUPTI counters checked against kernels whose work is known exactly (label gpu: skipped without
// a CUDA device). A stream copy moves a known number of DRAM bytes; an FMA loop executes a known
// number of FP32 operations; achieved occupancy can never exceed the theoretical one. Counters
// that the machine forbids (no permission, counters busy, MIG, vGPU, not supported) skip with
// the reason: that is the environment, not ktune. Any other CUPTI failure is thrown by
// profile() and fails the test (counter_profiler.cpp sets counters_problem() only for the
// environment's codes).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "kernels/family.hpp"
#include "profiles/backends.hpp"
#include "profiles/kernel_evaluator.hpp"
#include "profiles/metrics/metric_list.hpp"
#include "profiles/metrics/names.hpp"

namespace ktune::profiles {
namespace {

namespace names = ktune::profiles::metrics;
using metrics::metric_value;

constexpr const char* kCopy = R"(
extern "C" __global__ void stream_copy(const float* __restrict__ in, float* __restrict__ out,
                                       int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = in[i];
})";

// Four independent FMA chains per thread, started by three FADDs and summed by three more:
// 8 x iterations + 6 FP32 operations per thread. The starting FADDs take the run-time `c`, so no
// compiler can fold them into the integer-to-float conversion (NVRTC 13.0's PTX has all six).
constexpr const char* kFma = R"(
extern "C" __global__ void fma_loop(float* out, int iterations, float b, float c) {
  float a0 = threadIdx.x, a1 = a0 + c, a2 = a1 + c, a3 = a2 + c;
  for (int i = 0; i < iterations; ++i) {
    a0 = fmaf(a0, b, c);
    a1 = fmaf(a1, b, c);
    a2 = fmaf(a2, b, c);
    a3 = fmaf(a3, b, c);
  }
  out[blockIdx.x * blockDim.x + threadIdx.x] = (a0 + a1) + (a2 + a3);
})";

class CuptiGpu : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = make_backend("cuda");
    if (!backend) GTEST_SKIP() << "built without the CUDA backend";
    const auto found = backend->discover();
    if (found.devices.empty()) GTEST_SKIP() << "no CUDA device: " << found.problem;
    device_ = backend->open(0);
  }

  // Counters of one profiled run; skips when the machine does not allow them.
  std::vector<Metric> profile(Program& program, const Geometry& geometry,
                              const std::vector<KernelArg>& args,
                              const std::vector<Buffer*>& buffers, CounterRequest request = {}) {
    auto measured = device_->profile(program, geometry, args, buffers, request);
    if (measured.empty() && !device_->counters_problem().empty())
      skip_reason_ = device_->counters_problem();
    return measured;
  }

  // The stream copy of n floats, ready to run: its buffers, program and launch.
  struct Copy {
    std::unique_ptr<Buffer> in, out;
    std::unique_ptr<Program> program;
    Geometry geometry;
    std::vector<KernelArg> args;
    std::vector<Buffer*> buffers;
    double run(Device& device) { return device.run(*program, geometry, args, buffers); }
  };
  Copy stream_copy(int n) {
    Copy c;
    c.in = device_->allocate(std::size_t(n) * sizeof(float));
    c.out = device_->allocate(std::size_t(n) * sizeof(float));
    c.program = device_->compile({"stream_copy", kCopy, {}, {}});
    c.geometry.block = {256, 1, 1};
    c.geometry.grid = {static_cast<std::uint32_t>(n / 256), 1, 1};
    c.args = {BufferArg{0}, BufferArg{1}, std::int32_t{n}};
    c.buffers = {c.in.get(), c.out.get()};
    return c;
  }

  std::unique_ptr<Device> device_;
  std::string skip_reason_;
};

TEST_F(CuptiGpu, StreamCopyDramBytesMatchTheBytesMoved) {
  constexpr int n = 64 << 20;  // 256 MiB each way: far larger than any L2
  constexpr double bytes = double{n} * sizeof(float);
  auto copy = stream_copy(n);
  copy.run(*device_);  // loads the module outside the profiler

  const auto m = profile(*copy.program, copy.geometry, copy.args, copy.buffers);
  if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
  const auto read = metric_value(m, names::kDramBytesRead);
  const auto write = metric_value(m, names::kDramBytesWrite);
  ASSERT_TRUE(read && write);
  EXPECT_NEAR(*read, bytes, 0.03 * bytes);
  // The flush leaves clean lines, so nothing but the copy's own writes reach DRAM (a flush by
  // memset added up to one L2 of write-backs); of those, up to one L2 may still be dirty in the
  // L2 when the kernel ends, and reach DRAM after the profiled range.
  const double l2 = static_cast<double>(device_->info().l2_bytes);
  EXPECT_LE(*write, 1.03 * bytes) << "more than the copy wrote: flush write-backs counted?";
  EXPECT_GE(*write, 0.97 * bytes - l2) << "L2 " << l2 << " bytes";
  for (const auto& metric : m)
    EXPECT_EQ(metric.source, MetricSource::measured) << metric.name;

  // Achieved occupancy never exceeds what the resources allow.
  const auto achieved = metric_value(m, names::kAchievedOccupancyPct);
  const auto theoretical = device_->resources(*copy.program, copy.geometry).theoretical_occupancy;
  ASSERT_TRUE(achieved && theoretical);
  EXPECT_GT(*achieved, 0);
  EXPECT_LE(*achieved, 100 * *theoretical + 1.0);
}

TEST_F(CuptiGpu, FmaLoopFlopCountMatches) {
  constexpr int blocks = 1024, threads = 256, iterations = 1000;
  auto out = device_->allocate(std::size_t{blocks} * threads * sizeof(float));
  auto program = device_->compile({"fma_loop", kFma, {}, {}});
  Geometry geometry;
  geometry.block = {threads, 1, 1};
  geometry.grid = {blocks, 1, 1};
  const std::vector<KernelArg> args{BufferArg{0}, std::int32_t{iterations}, 0.999f, 0.001f};
  const std::vector<Buffer*> buffers{out.get()};
  device_->run(*program, geometry, args, buffers);

  const auto m =
      profile(*program, geometry, args, buffers, {.flop_counts = true, .extra_metrics = {}});
  if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
  const auto flops = metric_value(m, names::kFlopCountFp32);
  ASSERT_TRUE(flops);
  const double expected = double{blocks} * threads * (iterations * 4.0 * 2.0 + 6.0);
  EXPECT_NEAR(*flops, expected, 1e-6 * expected);
  EXPECT_EQ(metric_value(m, names::kFlopCountFp64), 0.0);
}

TEST_F(CuptiGpu, ActivityTimerAgreesWithEvents) {
  auto copy = stream_copy(32 << 20);
  auto median_of = [&](int runs) {
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i)
      ms.push_back(copy.run(*device_));
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
  };
  median_of(3);
  const double events = median_of(21);
  if (auto warning = device_->set_timer("cupti"); !warning.empty()) GTEST_SKIP() << warning;
  const double cupti = median_of(21);
  device_->set_timer("events");
  // Kernel timestamps exclude the launch latency the events include: never longer by much.
  EXPECT_GT(cupti, 0.5 * events);
  EXPECT_LT(cupti, 1.05 * events);
}

// The whole seam: the runner times a matmul variant, then asks for counters; measured and derived
// metrics come back together.
TEST_F(CuptiGpu, RunnerAddsCountersAfterTiming) {
  const auto& family = kernels::find_family("matmul");
  const Problem problem = family.parse_shape("1024x1024x1024");
  const auto space = family.space(problem, device_->info());
  MeasureOptions options;
  options.min_runs = 3;
  options.max_runs = 5;
  KernelEvaluator evaluator(family, problem, space, *device_, options);
  const auto e = evaluator.evaluate(space.default_config());
  ASSERT_TRUE(e.ok()) << e.message;
  if (!device_->counters_problem().empty()) GTEST_SKIP() << device_->counters_problem();
  const auto achieved = metric_value(e.metrics, names::kAchievedOccupancyPct);
  const auto theoretical = metric_value(e.metrics, names::kTheoreticalOccupancyPct);
  ASSERT_TRUE(achieved && theoretical);
  EXPECT_LE(*achieved, *theoretical + 1.0);
  const auto* bytes = metrics::find_metric(e.metrics, names::kDramBytes);
  ASSERT_NE(bytes, nullptr);
  EXPECT_EQ(bytes->source, MetricSource::measured);
  // At least the compulsory traffic: A and B read, C written.
  EXPECT_GE(bytes->value, 0.97 * family.min_bytes(problem));
  EXPECT_TRUE(metric_value(e.metrics, names::kRooflinePct));
}

}  // namespace
}  // namespace ktune::profiles
