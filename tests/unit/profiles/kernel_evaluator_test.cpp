#include "profiles/kernel_evaluator.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <thread>

#include "core/error.hpp"
#include "core/statistics.hpp"
#include "kernels/family.hpp"
#include "kernels/sample.hpp"
#include "test_device.hpp"
#include "tests/support/forwarding_device.hpp"

namespace ktune::profiles {
namespace {

MeasureOptions quick() {
  MeasureOptions o;
  o.min_runs = 2;
  o.max_runs = 3;
  o.warmup_runs = 0;
  return o;
}

TEST(KernelEvaluator, EveryMatmulVariantIsCorrectOnAwkwardShapes) {
  auto device = open_test_device();
  ASSERT_TRUE(device);
  const auto& family = kernels::find_family("matmul");
  for (const char* shape : {"1x1x1", "257x129x65", "70x3x1", "3x70x200"}) {
    const Problem problem = family.parse_shape(shape);
    const auto space = family.space(problem, device->info());
    KernelEvaluator evaluator(family, problem, space, *device, quick());
    auto sample = kernels::covering_sample(space, 4, 1);  // the space has thousands
    sample.resize(4);
    for (const auto& config : sample) {
      const auto e = evaluator.evaluate(config);
      EXPECT_EQ(e.outcome, Outcome::correct)
          << shape << " " << space.canonical(config) << ": " << e.message;
      EXPECT_GE(e.samples_ms.size(), 2u);
      ASSERT_TRUE(e.max_error.has_value());
      EXPECT_LT(*e.max_error, evaluator.reference().tolerance);
    }
  }
}

TEST(KernelEvaluator, InvalidConfigurationIsRecordedNotThrown) {
  auto device = open_test_device();
  ASSERT_TRUE(device);
  const auto& family = kernels::find_family("matmul");
  const Problem problem = family.parse_shape("8x8x8");
  const auto space = family.space(problem, device->info());
  KernelEvaluator evaluator(family, problem, space, *device, quick());
  const auto e = evaluator.evaluate(Config{{12, 5}});
  EXPECT_EQ(e.outcome, Outcome::invalid);
  EXPECT_FALSE(e.message.empty());
}

// Forwards to a real device and keeps what each run reported.
class RunRecorder final : public test::ForwardingDevice {
 public:
  using ForwardingDevice::ForwardingDevice;
  double run(Program& program, const Geometry& geometry, std::span<const KernelArg> args,
             std::span<Buffer* const> buffers) override {
    reported.push_back(ForwardingDevice::run(program, geometry, args, buffers));
    return reported.back();
  }
  std::vector<double> reported;
};

TEST(KernelEvaluator, SampleGivesMoreRunsOfACorrectVariant) {
  auto device = open_test_device();
  ASSERT_TRUE(device);
  RunRecorder recorder(*device);
  const auto& family = kernels::find_family("matmul");
  const Problem problem = family.parse_shape("32x32x32");
  const auto space = family.space(problem, recorder.info());
  KernelEvaluator evaluator(family, problem, space, recorder, quick());
  const auto config = space.default_config();
  ASSERT_TRUE(evaluator.evaluate(config).ok());
  const auto before = recorder.reported.size();
  const auto samples = evaluator.sample(config, 4);
  // Four new launches of the kept program, and their own times, in order.
  ASSERT_EQ(recorder.reported.size(), before + 4);
  EXPECT_EQ(samples,
            std::vector<double>(recorder.reported.begin() + static_cast<std::ptrdiff_t>(before),
                                recorder.reported.end()));
  for (double ms : samples)
    EXPECT_GT(ms, 0);
}

// Forwards to a real device and records what it is asked to compile ahead and to compile.
class PrecompileRecorder final : public test::ForwardingDevice {
 public:
  using ForwardingDevice::ForwardingDevice;
  std::unique_ptr<Program> compile(const KernelSource& s) override {
    compiled.push_back(s);
    return ForwardingDevice::compile(s);
  }
  void precompile(std::span<const KernelSource> sources) override {
    precompiled.emplace_back(sources.begin(), sources.end());
  }

  std::vector<std::vector<KernelSource>> precompiled;
  std::vector<KernelSource> compiled;
};

TEST(KernelEvaluator, PrepareAheadHandsTheValidVariantsSourcesToTheDeviceAtOnce) {
  auto device = open_test_device();
  ASSERT_TRUE(device);
  PrecompileRecorder recorder(*device);
  const auto& family = kernels::find_family("matmul");
  const Problem problem = family.parse_shape("32x32x32");
  const auto space = family.space(problem, recorder.info());
  KernelEvaluator evaluator(family, problem, space, recorder, quick());
  auto configs = kernels::covering_sample(space, 3, 1);
  configs.resize(3);
  configs.push_back(Config{{12, 5}});  // invalid: left for evaluate() to report
  evaluator.prepare_ahead(configs);
  ASSERT_EQ(recorder.precompiled.size(), 1u);
  ASSERT_EQ(recorder.precompiled[0].size(), 3u);
  // The very sources evaluate() compiles, so the backend's cache serves them.
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(evaluator.evaluate(configs[i]).ok());
    const auto& ahead = recorder.precompiled[0][i];
    const auto& now = recorder.compiled.back();
    EXPECT_EQ(ahead.code, now.code);
    EXPECT_EQ(ahead.entry, now.entry);
    EXPECT_TRUE(ahead.defines == now.defines);
  }
  // Already built configurations are not handed over again; nor is a batch of one.
  evaluator.prepare_ahead(configs);
  EXPECT_EQ(recorder.precompiled.size(), 1u);
}

TEST(KernelEvaluator, ShapeTooLargeForTheDeviceIsAUsageError) {
  auto device = open_test_device();
  ASSERT_TRUE(device);
  const auto& family = kernels::find_family("matmul");
  const Problem problem = family.parse_shape("2000000x2000000x2");
  try {
    check_fits(family, problem, device->info());
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("GiB"), std::string::npos) << e.what();
  }
}

// The timing loop, driven by scripted run times. No kernel really runs: the verification run
// writes the right answer into the output buffer, and every later run answers from the script.
struct ScriptedRun {
  double reported_ms = 1;
  double wall_ms = 0;  // how long the run blocks
};

class ScriptedTimes final : public test::ForwardingDevice {
 public:
  // By the 0-based number of the run after verification.
  using Script = std::function<ScriptedRun(int)>;
  ScriptedTimes(Device& inner, Script script)
      : ForwardingDevice(inner), script_(std::move(script)) {}
  double run(Program&, const Geometry&, std::span<const KernelArg>,
             std::span<Buffer* const> buffers) override {
    if (runs_++ == 0) {
      write(*buffers[answer_buffer], std::as_bytes(std::span<const float>(answer)));
      return 1;
    }
    const auto next = script_(runs_ - 2);
    if (next.wall_ms > 0)
      std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(next.wall_ms));
    return next.reported_ms;
  }
  void set_run_timeout(double milliseconds) override { timeout_ms = milliseconds; }

  std::vector<float> answer;
  std::size_t answer_buffer = 0;
  double timeout_ms = 0;

 private:
  Script script_;
  int runs_ = 0;
};

MeasureOptions timing_options() {
  MeasureOptions o;
  o.warmup_runs = 0;
  o.min_runs = 5;
  o.max_runs = 200;
  o.target_relative_ci = 0.05;
  o.max_seconds_per_variant = 600;
  o.timeout_ms = 1000;
  o.profile = false;
  return o;
}

Evaluation evaluate_scripted(ScriptedTimes::Script script, const MeasureOptions& options,
                             double* timeout_set = nullptr) {
  auto device = open_test_device();
  if (!device) return {};
  ScriptedTimes scripted(*device, std::move(script));
  const auto& family = kernels::find_family("matmul");
  const Problem problem = family.parse_shape("8x8x8");
  const auto space = family.space(problem, scripted.info());
  KernelEvaluator evaluator(family, problem, space, scripted, options);
  const auto& reference = evaluator.reference().values;
  scripted.answer.assign(reference.begin(), reference.end());
  scripted.answer_buffer = family.workload(problem, options.seed).output;
  auto e = evaluator.evaluate(space.default_config());
  if (timeout_set) *timeout_set = scripted.timeout_ms;
  return e;
}

// Noisy (1 ms and 10 ms in turn) for the first `noisy` runs, then 5 ms every time.
ScriptedRun noisy_then_stable(int run, int noisy) {
  if (run < noisy) return {run % 2 ? 10.0 : 1.0};
  return {5.0};
}

TEST(KernelEvaluatorTiming, StopsAtTheFirstRunWhoseIntervalIsNarrowEnough) {
  const auto options = timing_options();
  const auto e = evaluate_scripted([](int run) { return noisy_then_stable(run, 12); }, options);
  ASSERT_EQ(e.outcome, Outcome::correct) << e.message;
  // The script's own first n with a narrow enough interval of the median.
  std::vector<double> prefix;
  int expected = 0;
  for (int n = 1; n <= options.max_runs && expected == 0; ++n) {
    prefix.push_back(noisy_then_stable(n - 1, 12).reported_ms);
    if (n >= options.min_runs &&
        summarize(prefix).relative_ci_width() <= options.target_relative_ci)
      expected = n;
  }
  ASSERT_GT(expected, 12);  // not while noisy
  ASSERT_LT(expected, options.max_runs);
  EXPECT_EQ(static_cast<int>(e.samples_ms.size()), expected);
  EXPECT_EQ(e.time.median, 5.0);
  EXPECT_LE(e.time.relative_ci_width(), options.target_relative_ci);
}

TEST(KernelEvaluatorTiming, NoiseThatNeverSettlesRunsUpToMaxRuns) {
  auto options = timing_options();
  options.max_runs = 40;
  const auto e =
      evaluate_scripted([](int run) { return noisy_then_stable(run, 1'000'000); }, options);
  ASSERT_EQ(e.outcome, Outcome::correct) << e.message;
  EXPECT_EQ(e.samples_ms.size(), 40u);
  EXPECT_GT(e.time.relative_ci_width(), options.target_relative_ci);
}

TEST(KernelEvaluatorTiming, StableRunsStopAtMinRuns) {
  auto options = timing_options();
  options.min_runs = 7;
  const auto e = evaluate_scripted([](int) { return ScriptedRun{2.0}; }, options);
  ASSERT_EQ(e.outcome, Outcome::correct) << e.message;
  EXPECT_EQ(e.samples_ms.size(), 7u);
}

TEST(KernelEvaluatorTiming, TheTimeCapEndsAVariantThatNeverSettles) {
  // Every run blocks 10 ms; the cap is 0.2 s, so at most 21 runs fit in it, whatever the load,
  // and at least min_runs are always made.
  auto options = timing_options();
  options.max_runs = 300;
  options.max_seconds_per_variant = 0.2;
  const auto e = evaluate_scripted(
      [](int run) {
        return ScriptedRun{noisy_then_stable(run, 1'000'000).reported_ms, 10};
      },
      options);
  ASSERT_EQ(e.outcome, Outcome::correct) << e.message;
  EXPECT_GE(static_cast<int>(e.samples_ms.size()), options.min_runs);
  EXPECT_LE(e.samples_ms.size(), 21u);
}

TEST(KernelEvaluatorTiming, OneSlowRunWithinTheTimeoutIsKeptAndDoesNotMoveTheMedian) {
  auto options = timing_options();
  options.min_runs = 9;
  const auto e =
      evaluate_scripted([](int run) { return ScriptedRun{run == 3 ? 400.0 : 4.0}; }, options);
  ASSERT_EQ(e.outcome, Outcome::correct) << e.message;
  ASSERT_EQ(e.samples_ms.size(), 9u);
  EXPECT_EQ(e.samples_ms[3], 400.0);
  EXPECT_EQ(e.time.median, 4.0);
  EXPECT_EQ(e.time.max, 400.0);
}

TEST(KernelEvaluatorTiming, ARunReportedOverTheTimeoutIsATimeout) {
  auto options = timing_options();
  options.timeout_ms = 250;
  double timeout_set = 0;
  const auto e = evaluate_scripted([](int run) { return ScriptedRun{run == 2 ? 1000.0 : 4.0}; },
                                   options, &timeout_set);
  EXPECT_EQ(timeout_set, 250);  // the backend is told, to stop a run that never ends
  EXPECT_EQ(e.outcome, Outcome::timeout) << e.message;
  EXPECT_NE(e.message.find("1000 ms, over the 250 ms timeout"), std::string::npos) << e.message;
  EXPECT_EQ(e.samples_ms.size(), 2u);  // the runs before it
}

TEST(KernelEvaluatorTiming, ARunThatBlocksPastTheTimeoutIsATimeoutEvenIfItReportsLittle) {
  // A run that does not come back in time (a hung kernel the backend only notices late): the
  // evaluator's own clock catches it even though the device reports 1 ms.
  auto options = timing_options();
  options.timeout_ms = 250;
  const auto e = evaluate_scripted(
      [](int run) {
        return ScriptedRun{1.0, run == 1 ? 600.0 : 0.0};
      },
      options);
  EXPECT_EQ(e.outcome, Outcome::timeout) << e.message;
  EXPECT_NE(e.message.find("over the 250 ms timeout"), std::string::npos) << e.message;
  EXPECT_EQ(e.samples_ms.size(), 1u);
}

TEST(KernelEvaluatorTiming, ATimeoutInWarmupIsATimeoutToo) {
  auto options = timing_options();
  options.warmup_runs = 2;
  options.timeout_ms = 250;
  const auto e =
      evaluate_scripted([](int run) { return ScriptedRun{run == 1 ? 1e9 : 3.0}; }, options);
  EXPECT_EQ(e.outcome, Outcome::timeout) << e.message;
  EXPECT_TRUE(e.samples_ms.empty());
}

}  // namespace
}  // namespace ktune::profiles
