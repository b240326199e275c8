// The replay backend over each shared dataset: the space is the file's entries, an evaluation
// returns the recorded figures, and a replayed session counts and costs what a user pays.
#include "profiles/replay/replay_evaluator.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "profiles/replay/dataset_reader.hpp"
#include "tuner/session.hpp"
#include "tuner/strategy.hpp"

namespace ktune::profiles::replay {
namespace {

const std::filesystem::path kDatasets = KTUNE_DATASETS_DIR;

struct Expected {
  const char* file;
  std::size_t entries;
  std::size_t failed;
};

class Replay : public ::testing::TestWithParam<Expected> {};

TEST_P(Replay, SpaceIsTheEntriesAndEvaluationsAreTheRecords) {
  const auto& expected = GetParam();
  const auto data = read_dataset(kDatasets / expected.file);
  const Space space = dataset_space(data);
  const auto valid = space.enumerate();
  ASSERT_EQ(valid.size(), expected.entries);
  ReplayEvaluator evaluator(data);
  EXPECT_EQ(evaluator.device().backend, "replay");

  std::size_t failed = 0;
  double optimum = 1e300;
  for (std::size_t i = 0; i < data.entries.size(); i += 1 + data.entries.size() / 500) {
    const auto& entry = data.entries[i];
    const Config config{entry.values};
    const auto e = evaluator.evaluate(config);
    EXPECT_DOUBLE_EQ(e.cost_ms, entry.cost_ms());
    if (entry.time_ms) {
      ASSERT_EQ(e.outcome, Outcome::correct);
      EXPECT_DOUBLE_EQ(*e.objective_ms(), *entry.time_ms);
      EXPECT_EQ(e.samples_ms.size(), entry.times_ms.empty() ? 1 : entry.times_ms.size());
    } else {
      EXPECT_EQ(e.outcome, Outcome::invalid);
      EXPECT_FALSE(e.objective_ms());
      EXPECT_NE(e.message.find("recorded as a"), std::string::npos) << e.message;
    }
  }
  for (const auto& entry : data.entries) {
    if (!entry.time_ms) ++failed;
    if (entry.time_ms) optimum = std::min(optimum, *entry.time_ms);
  }
  EXPECT_EQ(failed, expected.failed);
  EXPECT_DOUBLE_EQ(evaluator.optimum_ms(), optimum);
  EXPECT_TRUE(evaluator.sample(valid.front(), 3).empty()) << "a recording cannot run again";
}

TEST_P(Replay, ASessionCountsFailuresAndSimulatesTime) {
  const auto& expected = GetParam();
  const auto data = read_dataset(kDatasets / expected.file);
  const Space space = dataset_space(data);
  ReplayEvaluator evaluator(data);
  const auto valid = space.enumerate();
  auto strategy = tuner::make_strategy("auto", space, valid, 1);
  tuner::SessionOptions options;
  options.evaluate_default_first = false;
  options.simulated_time = true;
  tuner::Session session(space, evaluator, *strategy, nullptr, options);
  tuner::Budget budget;
  budget.evaluations = 60;
  const auto r = session.run(budget, valid.size());
  ASSERT_EQ(r.evaluations.size(), 60u);
  double cost = 0;
  for (const auto& e : r.evaluations)
    cost += e.evaluation.cost_ms;
  EXPECT_NEAR(r.elapsed_seconds, cost / 1000, 1e-6);
  ASSERT_TRUE(r.best);
  // Sixty evaluations land among the best 1% of the file's configurations (sixty random ones
  // do so with probability 1 - 0.99^60 = 45%; the benchmark measures how well, this only
  // guards the replay path).
  const double found = *r.evaluations[*r.best].evaluation.objective_ms();
  std::size_t better = 0;
  for (const auto& entry : data.entries)
    if (entry.time_ms && *entry.time_ms < found) ++better;
  EXPECT_LE(better, data.entries.size() / 100) << found;
}

INSTANTIATE_TEST_SUITE_P(SharedDatasets, Replay,
                         ::testing::Values(Expected{"gemm_RTX_2080_Ti.json.gz", 17956, 0},
                                           Expected{"convolution_A4000.json.gz", 4362, 161},
                                           Expected{"convolution_legacy_RTX_2080_Ti.json.gz", 6768,
                                                    1512},
                                           Expected{"convolution_A100_T4.json.gz", 4362, 161}),
                         [](const auto& param_info) {
                           std::string name = param_info.param.file;
                           name = name.substr(0, name.find('.'));
                           return name;
                         });

}  // namespace
}  // namespace ktune::profiles::replay
