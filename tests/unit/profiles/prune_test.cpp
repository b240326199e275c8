// --prune: parsing, judging resources, and the runner recording `pruned` before any run. The
// runner part uses the OpenCL device (PoCL) wrapped to report resources as the CUDA device does,
// so it runs without a GPU; the plain OpenCL device rejects --prune with a usage error.
#include "profiles/prune.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "kernels/family.hpp"
#include "profiles/kernel_evaluator.hpp"
#include "test_device.hpp"
#include "tests/support/forwarding_device.hpp"

namespace ktune::profiles {
namespace {

Resources resources(int registers, int spill_st, int spill_ld, double occupancy) {
  Resources r;
  r.registers = registers;
  r.shared_bytes = 4096;
  r.stack_bytes = spill_st;
  r.spill_store_bytes = spill_st;
  r.spill_load_bytes = spill_ld;
  r.theoretical_occupancy = occupancy;
  r.occupancy_limiter = "registers";
  return r;
}

TEST(PruneRules, ParsesEveryForm) {
  const auto rules = PruneRules::parse("spills, occupancy<0.25,registers>128,stack>0,shared>40000");
  EXPECT_FALSE(rules.empty());
  EXPECT_FALSE(rules.reason(resources(64, 0, 0, 0.5)));
  EXPECT_TRUE(rules.reason(resources(64, 8, 0, 0.5)));
  EXPECT_TRUE(rules.reason(resources(200, 0, 0, 0.5)));
  EXPECT_TRUE(rules.reason(resources(64, 0, 0, 0.125)));
  // stack> and shared> decide on their own: a stack frame without spills, a large shared block.
  auto stack_only = resources(64, 0, 0, 0.5);
  stack_only.stack_bytes = 16;
  auto big_shared = resources(64, 0, 0, 0.5);
  big_shared.shared_bytes = 40001;
  EXPECT_EQ(rules.reason(stack_only).value_or(""), "pruned by 'stack>0': 16 bytes stack frame");
  EXPECT_EQ(rules.reason(big_shared).value_or(""),
            "pruned by 'shared>40000': 40001 bytes of static shared memory");
  const auto shared_rule = PruneRules::parse("shared>40000");
  EXPECT_TRUE(shared_rule.reason(big_shared));
  big_shared.shared_bytes = 40000;
  EXPECT_FALSE(shared_rule.reason(big_shared));  // the bound itself is kept
  EXPECT_FALSE(PruneRules::parse("stack>16").reason(stack_only));
}

TEST(PruneRules, ReasonNamesTheRuleAndTheFigures) {
  const auto rules = PruneRules::parse("spills,occupancy<0.25");
  const auto spilled = rules.reason(resources(255, 24, 16, 0.5));
  ASSERT_TRUE(spilled);
  EXPECT_EQ(*spilled, "pruned by 'spills': 24 bytes spill stores, 16 bytes spill loads");
  const auto low = rules.reason(resources(128, 0, 0, 0.1875));
  ASSERT_TRUE(low);
  EXPECT_EQ(*low, "pruned by 'occupancy<0.25': theoretical occupancy 0.188 (registers-limited)");
  EXPECT_FALSE(rules.reason(resources(32, 0, 0, 0.25)));  // the bound itself is kept
}

TEST(PruneRules, UnknownFiguresNeverPrune) {
  const auto rules = PruneRules::parse("spills,occupancy<0.5,registers>1");
  EXPECT_FALSE(rules.reason(Resources{}));
}

TEST(PruneRules, BadRulesAreUsageErrorsSayingWhatIsAccepted) {
  for (const char* bad : {"", "spill", "occupancy<", "occupancy<2", "occupancy<0", "occupancy>0.5",
                          "registers<10", "registers>x", "spills,,", "occupancy<0.25;spills"}) {
    try {
      PruneRules::parse(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("accepted: spills, occupancy<X"), std::string::npos)
          << e.what();
    }
  }
}

// The OpenCL device reporting resources as a CUDA device would: registers grow with the block.
class ResourceReportingDevice final : public test::ForwardingDevice {
 public:
  using ForwardingDevice::ForwardingDevice;
  std::unique_ptr<Program> compile(const KernelSource& s) override {
    ++compiled;
    return ForwardingDevice::compile(s);
  }
  double run(Program& p, const Geometry& g, std::span<const KernelArg> a,
             std::span<Buffer* const> b) override {
    ++runs;
    return ForwardingDevice::run(p, g, a, b);
  }
  bool reports_resources() const override { return true; }
  Resources resources(const Program&, const Geometry& g) const override {
    const bool big = g.threads_per_block() >= big_threads;
    Resources r;
    r.registers = big ? 128 : 32;
    r.spill_store_bytes = r.spill_load_bytes = 0;
    r.theoretical_occupancy = big ? 0.125 : 1.0;
    r.occupancy_limiter = big ? "registers" : "threads";
    return r;
  }
  std::uint64_t big_threads = 256;
  int compiled = 0;
  int runs = 0;
};

MeasureOptions quick(const std::string& prune) {
  MeasureOptions o;
  o.min_runs = o.max_runs = 2;
  o.warmup_runs = 0;
  if (!prune.empty()) o.prune = PruneRules::parse(prune);
  return o;
}

TEST(Prune, RunnerRecordsPrunedVariantsWithoutRunningThem) {
  auto inner = open_test_device();
  ASSERT_TRUE(inner);
  ResourceReportingDevice device(std::move(inner));
  const auto& family = kernels::find_family("matmul");
  const Problem problem = family.parse_shape("32x32x32");
  const auto space = family.space(problem, device.info());
  // Up to two variants with the largest blocks (reported at 0.125 occupancy) and two others.
  const auto threads = [&](const Config& c) {
    return family.plan(space, c).geometry.threads_per_block();
  };
  const auto all = space.enumerate();
  std::uint64_t largest = 0;
  for (const auto& c : all)
    largest = std::max(largest, threads(c));
  device.big_threads = largest;
  std::vector<Config> big, small;
  for (const auto& c : all) {
    auto& list = threads(c) >= device.big_threads ? big : small;
    if (list.size() < 2) list.push_back(c);
  }
  ASSERT_FALSE(big.empty());
  ASSERT_FALSE(small.empty());
  KernelEvaluator evaluator(family, problem, space, device, quick("occupancy<0.25"));
  for (const auto& config : big) {
    const int runs_before = device.runs;
    const auto e = evaluator.evaluate(config);
    EXPECT_EQ(e.outcome, Outcome::pruned) << space.canonical(config);
    EXPECT_EQ(e.message,
              "pruned by 'occupancy<0.25': theoretical occupancy 0.125 (registers-limited)");
    EXPECT_EQ(device.runs, runs_before) << "a pruned variant must not run";
    EXPECT_TRUE(e.samples_ms.empty());
    EXPECT_EQ(e.resources.registers, 128);  // what it was pruned on is kept
  }
  for (const auto& config : small) {
    const auto e = evaluator.evaluate(config);
    EXPECT_EQ(e.outcome, Outcome::correct) << space.canonical(config) << ": " << e.message;
  }
}

TEST(Prune, BackendsWithoutResourceReportsRejectPruneUpFront) {
  auto device = open_test_device();
  ASSERT_TRUE(device);
  const auto& family = kernels::find_family("matmul");
  const Problem problem = family.parse_shape("16x16x16");
  const auto space = family.space(problem, device->info());
  try {
    KernelEvaluator evaluator(family, problem, space, *device, quick("spills"));
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("spills: the opencl backend does not report"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace ktune::profiles
