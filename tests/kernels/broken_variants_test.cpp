// Verification catches wrong kernels, and beta != 0 (a kernel that reads its output) is verified
// too: through the runner the tuner uses (KernelEvaluator), on the OpenCL device.
#include <gtest/gtest.h>

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "kernels/family.hpp"
#include "kernels/sample.hpp"
#include "kernels/verify.hpp"
#include "profiles/kernel_evaluator.hpp"
#include "variant_runner.hpp"

namespace ktune::test {
namespace {

profiles::MeasureOptions quick() {
  profiles::MeasureOptions o;
  o.warmup_runs = 0;
  o.min_runs = 1;
  o.max_runs = 1;
  return o;
}

// A family whose kernels are another's with one piece of source text replaced: a deliberate bug.
class PatchedFamily final : public kernels::Family {
 public:
  PatchedFamily(const kernels::Family& base, std::string from, std::string to)
      : base_(base), from_(std::move(from)), to_(std::move(to)) {}
  std::string name() const override { return base_.name() + "_broken"; }
  std::string description() const override { return base_.description(); }
  std::string shape_syntax() const override { return base_.shape_syntax(); }
  Problem parse_shape(std::string_view text) const override { return base_.parse_shape(text); }
  Problem default_problem() const override { return base_.default_problem(); }
  Space space(const Problem& p, const DeviceInfo& d) const override { return base_.space(p, d); }
  const kernels::LaunchSpec& launch() const override { return base_.launch(); }
  LaunchPlan plan(const Space& space, const Config& config) const override {
    auto plan = base_.plan(space, config);
    const auto at = plan.source.code.find(from_);
    if (at == std::string::npos) throw std::logic_error("the patch does not apply: " + from_);
    plan.source.code.replace(at, from_.size(), to_);
    return plan;
  }
  double flops(const Problem& p) const override { return base_.flops(p); }
  double min_bytes(const Problem& p) const override { return base_.min_bytes(p); }
  std::vector<std::uint64_t> buffer_elements(const Problem& p) const override {
    return base_.buffer_elements(p);
  }
  kernels::Workload workload(const Problem& p, std::uint64_t seed) const override {
    return base_.workload(p, seed);
  }
  kernels::Reference reference(const Problem& p, const kernels::Workload& w) const override {
    return base_.reference(p, w);
  }

 private:
  const kernels::Family& base_;
  std::string from_, to_;
};

Evaluation evaluate_default(const kernels::Family& family, const std::string& shape,
                            profiles::Device& device) {
  const Problem problem = family.parse_shape(shape);
  const auto space = family.space(problem, device.info());
  profiles::KernelEvaluator evaluator(family, problem, space, device, quick());
  return evaluator.evaluate(space.default_config());
}

TEST(BrokenVariants, MatmulOffByOneInTheKEdgeIsAWrongResult) {
  auto device = open_opencl_device();
  ASSERT_TRUE(device);
  const auto& matmul = kernels::find_family("matmul");
  // The last row of each B tile is dropped when it is the last row of B.
  const PatchedFamily broken(matmul, "row < K ? N - col : 0", "row + 1 < K ? N - col : 0");
  EXPECT_EQ(evaluate_default(matmul, "37x29x19", *device).outcome, Outcome::correct);
  const auto e = evaluate_default(broken, "37x29x19", *device);
  EXPECT_EQ(e.outcome, Outcome::wrong_result) << e.message;
  EXPECT_NE(e.message.find("output values are wrong; the worst, at index"), std::string::npos)
      << e.message;
  ASSERT_TRUE(e.max_error.has_value());
  EXPECT_GT(*e.max_error, 1e-3);
}

TEST(BrokenVariants, Conv2dOffByOneAtTheImageEdgeIsAWrongResult) {
  auto device = open_opencl_device();
  ASSERT_TRUE(device);
  const auto& conv = kernels::find_family("conv2d");
  // The gather treats the image's last row as padding.
  const PatchedFamily broken(conv, "y >= 0 && y < H &&", "y >= 0 && y < H - 1 &&");
  const std::string shape = "n=2,c=3,h=7,w=6,k=5,r=3,pad=1";
  EXPECT_EQ(evaluate_default(conv, shape, *device).outcome, Outcome::correct);
  const auto e = evaluate_default(broken, shape, *device);
  EXPECT_EQ(e.outcome, Outcome::wrong_result) << e.message;
}

TEST(BrokenVariants, AnOutputNeverWrittenIsCaughtByThePoison) {
  auto device = open_opencl_device();
  ASSERT_TRUE(device);
  const auto& conv = kernels::find_family("conv2d");
  // The last output channel is never stored: it keeps the NaN the runner poisoned it with.
  const PatchedFamily broken(conv, "if (k < K) Y[", "if (k < K - 1) Y[");
  const auto e = evaluate_default(broken, "n=1,c=2,h=5,w=5,k=3,r=3", *device);
  EXPECT_EQ(e.outcome, Outcome::wrong_result) << e.message;
  EXPECT_NE(e.message.find("NaN or Inf"), std::string::npos) << e.message;
}

TEST(Beta, AccumulatingIntoCIsVerifiedThroughTheRunner) {
  auto device = open_opencl_device();
  ASSERT_TRUE(device);
  const auto& matmul = kernels::find_family("matmul");
  const Problem problem = matmul.parse_shape("45x37x29,beta=1");
  EXPECT_TRUE(matmul.workload(problem, 1).output_is_read);
  const auto space = matmul.space(problem, device->info());
  profiles::KernelEvaluator evaluator(matmul, problem, space, *device, quick());
  auto sample = kernels::covering_sample(space, 4, 5);
  sample.resize(4);  // the default and three others
  for (const auto& config : sample) {
    const auto e = evaluator.evaluate(config);
    EXPECT_EQ(e.outcome, Outcome::correct) << space.canonical(config) << ": " << e.message;
  }
  // A kernel that ignores beta fails: the reference really includes beta * C.
  const PatchedFamily ignores_beta(matmul, "beta == 0.0f ?", "1 ?");
  const auto e = evaluate_default(ignores_beta, "45x37x29,beta=1", *device);
  EXPECT_EQ(e.outcome, Outcome::wrong_result) << e.message;
}

TEST(Beta, AnyAlphaAndBetaGiveTheBlasResult) {
  auto device = open_opencl_device();
  ASSERT_TRUE(device);
  const auto& matmul = kernels::find_family("matmul");
  const Problem problem = matmul.parse_shape("37x29x19,beta=1");
  const int m = 37, n = 29, k = 19;
  auto shape = prepare_shape(*device, matmul, "37x29x19,beta=1");
  const float alpha = -0.75f, beta = 2.5f;
  // The reference for these scalars, in double precision.
  const auto& w = shape.workload;
  const std::vector<double> a(w.buffers[0].begin(), w.buffers[0].end());
  const std::vector<double> b(w.buffers[1].begin(), w.buffers[1].end());
  kernels::Reference ref;
  ref.values.assign(w.buffers[2].begin(), w.buffers[2].end());
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, alpha, a.data(), k, b.data(), n,
              beta, ref.values.data(), n);
  std::vector<double> abs_a(a.size()), abs_b(b.size());
  std::transform(a.begin(), a.end(), abs_a.begin(), [](double x) { return std::abs(x); });
  std::transform(b.begin(), b.end(), abs_b.begin(), [](double x) { return std::abs(x); });
  ref.magnitudes.resize(w.buffers[2].size());
  std::transform(w.buffers[2].begin(), w.buffers[2].end(), ref.magnitudes.begin(),
                 [](float c) { return std::abs(c); });
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, std::abs(alpha), abs_a.data(), k,
              abs_b.data(), n, std::abs(beta), ref.magnitudes.data(), n);
  ref.reduction_length = k;
  ref.tolerance = kernels::fp32_tolerance(k);

  const auto space = matmul.space(problem, device->info());
  auto sample = kernels::covering_sample(space, 4, 11);
  sample.resize(4);
  for (const auto& config : sample) {
    auto plan = matmul.plan(space, config);
    plan.args[3] = alpha;
    plan.args[4] = beta;
    auto program = device->compile(plan.source);
    device->write(*shape.buffers[2], std::as_bytes(std::span<const float>(w.buffers[2])));
    device->run(*program, plan.geometry, plan.args, shape.views);
    std::vector<float> out(w.buffers[2].size());
    device->read(*shape.buffers[2], std::as_writable_bytes(std::span<float>(out)));
    const auto verdict = kernels::verify(out, ref);
    EXPECT_TRUE(verdict.ok) << space.canonical(config) << ": " << verdict.message;
  }
}

}  // namespace
}  // namespace ktune::test
