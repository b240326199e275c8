// The runner's side of profiling, on the OpenCL device behind a recording decorator that plays a
// backend with counters: the profiled run comes after every timed run, once per variant, never
// when profiling is off; counted and derived metrics end up in the evaluation together.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernels/family.hpp"
#include "profiles/backends.hpp"
#include "profiles/kernel_evaluator.hpp"
#include "profiles/metrics/metric_list.hpp"
#include "profiles/metrics/names.hpp"
#include "tests/support/forwarding_device.hpp"

namespace ktune::profiles {
namespace {

namespace names = ktune::profiles::metrics;

class RecordingDevice final : public test::ForwardingDevice {
 public:
  using ForwardingDevice::ForwardingDevice;
  double run(Program& p, const Geometry& g, std::span<const KernelArg> a,
             std::span<Buffer* const> b) override {
    calls.push_back("run");
    return ForwardingDevice::run(p, g, a, b);
  }
  std::vector<Metric> profile(Program&, const Geometry&, std::span<const KernelArg>,
                              std::span<Buffer* const>, const CounterRequest& request) override {
    calls.push_back("profile");
    last_request = request;
    return {{std::string(names::kDramBytesRead), 3e6, "byte", MetricSource::measured},
            {std::string(names::kDramBytesWrite), 1e6, "byte", MetricSource::measured},
            {std::string(names::kAchievedOccupancyPct), 40, "%", MetricSource::measured}};
  }

  std::vector<std::string> calls;
  CounterRequest last_request;
};

class RunnerMetrics : public ::testing::Test {
 protected:
  void SetUp() override {
    auto backend = make_backend("opencl");
    auto found = backend->discover();
    ASSERT_FALSE(found.devices.empty()) << "no OpenCL device: " << found.problem;
    device_ = std::make_unique<RecordingDevice>(backend->open(0));
    options_.min_runs = 3;
    options_.max_runs = 3;
    options_.warmup_runs = 1;
  }
  Evaluation evaluate() {
    const auto& family = kernels::find_family("matmul");
    const Problem problem = family.parse_shape("32x32x32");
    const auto space = family.space(problem, device_->info());
    KernelEvaluator evaluator(family, problem, space, *device_, options_);
    return evaluator.evaluate(space.default_config());
  }

  std::unique_ptr<RecordingDevice> device_;
  MeasureOptions options_;
};

TEST_F(RunnerMetrics, CountersComeFromOneRunAfterTheTimedOnes) {
  options_.counters = {true, {"lts__t_sector_hit_rate.pct"}};
  options_.cpu_baseline_ms = 2.0;
  const auto e = evaluate();
  ASSERT_TRUE(e.ok()) << e.message;
  // verify, warm-up, three timed runs, then the profiled run.
  EXPECT_EQ(device_->calls,
            (std::vector<std::string>{"run", "run", "run", "run", "run", "profile"}));
  EXPECT_TRUE(device_->last_request.flop_counts);
  EXPECT_EQ(device_->last_request.extra_metrics,
            std::vector<std::string>{"lts__t_sector_hit_rate.pct"});

  const auto* bytes = metrics::find_metric(e.metrics, names::kDramBytes);
  ASSERT_NE(bytes, nullptr);
  EXPECT_EQ(bytes->source, MetricSource::measured);
  EXPECT_DOUBLE_EQ(bytes->value, 4e6);
  EXPECT_DOUBLE_EQ(*metrics::metric_value(e.metrics, names::kDramGbs),
                   4e6 / (e.time.median * 1e-3) / 1e9);
  EXPECT_EQ(metrics::find_metric(e.metrics, names::kFlopCount)->source, MetricSource::derived);
  EXPECT_DOUBLE_EQ(*metrics::metric_value(e.metrics, names::kSpeedupVsCpu), 2.0 / e.time.median);
  EXPECT_TRUE(metrics::find_metric(e.metrics, names::kAchievedOccupancyPct));
}

TEST_F(RunnerMetrics, NoProfiledRunWhenProfilingIsOff) {
  options_.profile = false;
  const auto e = evaluate();
  ASSERT_TRUE(e.ok()) << e.message;
  for (const auto& call : device_->calls)
    EXPECT_EQ(call, "run");
  EXPECT_EQ(metrics::find_metric(e.metrics, names::kDramBytes)->source, MetricSource::derived);
  EXPECT_FALSE(metrics::find_metric(e.metrics, names::kAchievedOccupancyPct));
}

TEST_F(RunnerMetrics, OpenClHasNoCountersAndSaysWhatTheyNeed) {
  auto backend = make_backend("opencl");
  auto device = backend->open(0);
  EXPECT_NE(device->counters_problem().find("CUDA backend"), std::string::npos);
  EXPECT_EQ(device->set_timer("events"), "");
  EXPECT_THROW(device->set_timer("cupti"), UsageError);
}

}  // namespace
}  // namespace ktune::profiles
