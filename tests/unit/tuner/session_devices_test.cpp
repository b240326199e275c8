// One search on several devices: every device busy with the strategy's batch proposals, each
// configuration measured once, results told as they come back, each stored with its device.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <stdexcept>

#include "core/error.hpp"
#include "tests/support/memory_recorder.hpp"
#include "tests/support/synthetic_space.hpp"
#include "tuner/session.hpp"

namespace ktune::tuner {
namespace {

struct Devices {
  explicit Devices(const Space& space, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
      owned.push_back(std::make_unique<test::SyntheticEvaluator>(space));
  }
  std::vector<profiles::Evaluator*> pointers() const {
    std::vector<profiles::Evaluator*> p;
    for (const auto& d : owned)
      p.push_back(d.get());
    return p;
  }
  // How often each configuration was measured, over every device.
  std::map<Config, int> measured() const {
    std::map<Config, int> all;
    for (const auto& d : owned)
      for (const auto& [config, n] : d->evaluations)
        all[config] += n;
    return all;
  }
  std::vector<std::unique_ptr<test::SyntheticEvaluator>> owned;
};

TuneResult search(const Space& space, const Devices& devices, const std::string& strategy,
                  const Budget& budget, bool simulated, Recorder* recorder = nullptr,
                  std::vector<std::pair<Config, Evaluation>> stored = {}) {
  auto s = make_strategy(strategy, space, space.enumerate(), 3);
  SessionOptions options;
  options.simulated_time = simulated;
  Session session(space, devices.pointers(), *s, recorder, options);
  session.resume(std::move(stored));
  return session.run(budget, space.enumerate().size());
}

TEST(SessionOnSeveralDevices, SimulatedDevicesShareTheWorkAndDivideTheTime) {
  const Space space = test::synthetic_space();
  Budget budget;
  budget.evaluations = 40;
  for (const char* strategy : {"random", "auto", "genetic"}) {
    SCOPED_TRACE(strategy);
    Devices one(space, 1), four(space, 4);
    const auto sequential = search(space, one, strategy, budget, true);
    ktune::test::MemoryRecorder recorder;
    const auto parallel = search(space, four, strategy, budget, true, &recorder);
    ASSERT_EQ(parallel.evaluations.size(), 40u);
    EXPECT_EQ(parallel.stop_reason, StopReason::evaluation_budget);
    for (const auto& [config, n] : four.measured())
      EXPECT_EQ(n, 1) << space.canonical(config);
    // Every evaluation costs one simulated second: 40 on one device, 10 on four.
    EXPECT_DOUBLE_EQ(sequential.elapsed_seconds, 40.0);
    EXPECT_DOUBLE_EQ(parallel.elapsed_seconds, 10.0);
    for (const auto& d : four.owned)
      EXPECT_EQ(d->evaluations.size(), 10u);
    ASSERT_EQ(recorder.devices.size(), 40u);
    for (std::size_t i = 0; i < 40; ++i)
      EXPECT_EQ(recorder.devices[i], parallel.evaluations[i].device);
    ASSERT_TRUE(parallel.default_config);
    EXPECT_EQ(parallel.evaluations[*parallel.default_config].config, space.default_config());
  }
}

TEST(SessionOnSeveralDevices, ThreadsMeasureEachConfigurationOnceAndExhaustTheSpace) {
  const Space space = test::synthetic_space();
  Devices two(space, 2);
  const auto r = search(space, two, "exhaustive", Budget{}, false);
  EXPECT_EQ(r.stop_reason, StopReason::space_exhausted);
  EXPECT_EQ(r.evaluations.size(), space.enumerate().size());
  for (const auto& [config, n] : two.measured())
    EXPECT_EQ(n, 1) << space.canonical(config);
  EXPECT_FALSE(two.owned[0]->evaluations.empty());
  EXPECT_FALSE(two.owned[1]->evaluations.empty());
  ASSERT_TRUE(r.best);
  EXPECT_EQ(space.canonical(r.evaluations[*r.best].config), "BX=24,BY=4,T=2,SMEM=1,ALGO=tiled");
}

TEST(SessionOnSeveralDevices, AResumedSearchMeasuresNothingTwice) {
  const Space space = test::synthetic_space();
  Budget first_budget;
  first_budget.evaluations = 15;
  Devices first(space, 3);
  const auto stopped = search(space, first, "auto", first_budget, true);
  std::vector<std::pair<Config, Evaluation>> stored;
  for (const auto& e : stopped.evaluations)
    stored.emplace_back(e.config, e.evaluation);
  Budget budget;
  budget.evaluations = 30;
  Devices again(space, 3);
  const auto r = search(space, again, "auto", budget, true, nullptr, stored);
  EXPECT_EQ(r.resumed, 15u);
  EXPECT_EQ(r.evaluations.size(), 30u);
  for (const auto& e : stopped.evaluations)
    EXPECT_FALSE(again.measured().contains(e.config)) << space.canonical(e.config);
}

class LostDevice final : public profiles::Evaluator {
 public:
  const DeviceInfo& device() const override { return device_; }
  Evaluation evaluate(const Config&) override { throw Error("device lost"); }
  std::vector<double> sample(const Config&, int) override { return {}; }

 private:
  DeviceInfo device_;
};

TEST(SessionOnSeveralDevices, ALostDeviceEndsTheSearchAfterTheOthersFinish) {
  const Space space = test::synthetic_space();
  test::SyntheticEvaluator good(space);
  LostDevice lost;
  auto s = make_strategy("random", space, space.enumerate(), 3);
  ktune::test::MemoryRecorder recorder;
  Session session(space, {&good, &lost}, *s, &recorder, {});
  Budget budget;
  budget.evaluations = 20;
  EXPECT_THROW(session.run(budget, space.enumerate().size()), Error);
  // What the good device measured meanwhile was recorded.
  std::size_t measured = 0;
  for (const auto& [config, n] : good.evaluations)
    measured += static_cast<std::size_t>(n);
  EXPECT_EQ(recorder.evaluations.size(), measured);
}

}  // namespace
}  // namespace ktune::tuner
