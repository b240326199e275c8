// NVTX ranges without a GPU: the recorder library (nvtx_recorder.cpp), injected through
// NVTX_INJECTION64_PATH before the first NVTX call of this process, writes every range to a
// file that the tests read back. The runner's phases reach NVTX through Device::phase_observer:
// an OpenCL device (PoCL) wrapped to offer the NVTX observer shows the seam end to end.
#include "profiles/cuda/nvtx_phases.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "kernels/family.hpp"
#include "profiles/backends.hpp"
#include "profiles/kernel_evaluator.hpp"
#include "tests/support/forwarding_device.hpp"

namespace ktune::profiles::cuda {
namespace {

const std::string& record_path() {
  static const std::string path = [] {
    std::string p = "/tmp/ktune-nvtx-" + std::to_string(getpid()) + ".log";
    std::remove(p.c_str());
    setenv("KTUNE_NVTX_RECORD", p.c_str(), 1);
    setenv("NVTX_INJECTION64_PATH", KTUNE_NVTX_RECORDER, 1);
    return p;
  }();
  return path;
}
// Before main: no NVTX call can precede the injection settings.
// The record is removed at exit (registered after the path exists, so it runs before the path's
// destructor).
const bool g_injected = [] {
  const bool set = !record_path().empty();
  std::atexit([] { std::remove(record_path().c_str()); });
  return set;
}();

std::vector<std::string> recorded() {
  std::ifstream in(record_path());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

// Ranges recorded after line `from`, without profiling ranges (whether a run profiles depends
// on the counter settings, which tests of profiling check).
std::vector<std::string> ranges_since(std::size_t from) {
  auto all = recorded();
  std::vector<std::string> out;
  for (std::size_t i = from; i < all.size(); ++i) {
    if (all[i].ends_with("[profiling]")) {
      ++i;  // and its pop
      continue;
    }
    if (all[i].starts_with("push") || all[i].starts_with("pop")) out.push_back(all[i]);
  }
  return out;
}

TEST(Nvtx, ObserverOpensNamedRangesInTheKtuneDomain) {
  ASSERT_TRUE(g_injected);
  NvtxPhaseObserver observer;
  const std::size_t before = recorded().size();
  { ScopedPhase compile(&observer, {Phase::compile, "matmul", "TS=16,WPT=2", 7}); }
  { ScopedPhase timing(&observer, {Phase::timing, "matmul", "TS=16,WPT=2", 7}); }
  const auto all = recorded();
  ASSERT_GE(all.size(), 1u) << "the recorder library was not injected";
  EXPECT_EQ(all.front(), "injected");
  EXPECT_NE(std::find(all.begin(), all.end(), "domain ktune"), all.end());
  for (const char* category :
       {"category ktune 1 compile", "category ktune 2 verification", "category ktune 3 warm-up",
        "category ktune 4 timing", "category ktune 5 profiling"})
    EXPECT_NE(std::find(all.begin(), all.end(), category), all.end()) << category;
  const auto ranges = ranges_since(before);
  const std::vector<std::string> expected{"push ktune 1 7 matmul TS=16,WPT=2 [compile]",
                                          "pop ktune", "push ktune 4 7 matmul TS=16,WPT=2 [timing]",
                                          "pop ktune"};
  EXPECT_EQ(ranges, expected);
}

// The OpenCL device, offering the NVTX observer as the CUDA device does.
class ObservedDevice final : public test::ForwardingDevice {
 public:
  using ForwardingDevice::ForwardingDevice;
  PhaseObserver* phase_observer() override { return &observer_; }

 private:
  NvtxPhaseObserver observer_;
};

TEST(Nvtx, EvaluatorMarksEveryPhaseOfEveryVariantInOrder) {
  auto backend = make_backend("opencl");
  const auto found = backend->discover();
  ASSERT_FALSE(found.devices.empty()) << found.problem;
  ObservedDevice device(backend->open(0));
  const auto& family = kernels::find_family("matmul");
  const Problem problem = family.parse_shape("16x16x16");
  const auto space = family.space(problem, device.info());
  MeasureOptions quick;
  quick.min_runs = quick.max_runs = 2;
  quick.warmup_runs = 1;
  KernelEvaluator evaluator(family, problem, space, device, quick);

  const auto configs = space.enumerate();
  ASSERT_GE(configs.size(), 2u);
  const std::size_t before = recorded().size();
  ASSERT_TRUE(evaluator.evaluate(configs[0]).ok());
  ASSERT_TRUE(evaluator.evaluate(configs[1]).ok());
  ASSERT_EQ(evaluator.sample(configs[1], 2).size(), 2u);

  std::vector<std::string> expected;
  auto variant = [&](const Config& c, int id, std::vector<std::string> phases) {
    for (const auto& phase : phases) {
      const int category = phase == "compile"        ? 1
                           : phase == "verification" ? 2
                           : phase == "warm-up"      ? 3
                                                     : 4;
      expected.push_back(
          fmt::format("push ktune {} {} matmul {} [{}]", category, id, space.canonical(c), phase));
      expected.push_back("pop ktune");
    }
  };
  variant(configs[0], 1, {"compile", "verification", "warm-up", "timing"});
  variant(configs[1], 2, {"compile", "verification", "warm-up", "timing"});
  variant(configs[1], 2, {"timing"});  // re-measurement keeps the variant's number
  EXPECT_EQ(ranges_since(before), expected);
}

}  // namespace
}  // namespace ktune::profiles::cuda
