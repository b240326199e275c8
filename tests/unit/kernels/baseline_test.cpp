// The CPU baselines compute the right thing and report honest timings.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "kernels/baseline.hpp"
#include "kernels/conv2d/conv2d_baseline.hpp"
#include "kernels/family.hpp"
#include "kernels/matmul/matmul_baseline.hpp"
#include "kernels/verify.hpp"

namespace ktune::kernels {
namespace {

BaselineOptions quick() {
  BaselineOptions o;
  o.warmup_runs = 1;
  o.min_runs = 3;
  o.max_runs = 3;
  o.threads = 2;
  return o;
}

TEST(Baseline, TimingHarnessRespectsTheRunCounts) {
  int calls = 0;
  BaselineOptions o = quick();
  o.max_runs = 4;
  o.min_runs = 4;
  const auto samples = time_cpu([&] { ++calls; }, o);
  EXPECT_EQ(samples.size(), 4u);
  EXPECT_EQ(calls, 5);  // one warm-up
  EXPECT_EQ(resolve_threads(3), 3);
  EXPECT_GE(resolve_threads(0), 1);
}

TEST(Baseline, OpenBlasSgemmComputesTheProduct) {
  const auto& matmul = find_family("matmul");
  const Problem p = matmul.parse_shape("67x45x33");
  const auto w = matmul.workload(p, 5);
  std::vector<float> out;
  const auto r = time_openblas_sgemm(p, w, quick(), &out);
  EXPECT_TRUE(verify(out, matmul.reference(p, w)).ok);
  EXPECT_EQ(r.method, "openblas_sgemm");
  EXPECT_NE(r.library.find("OpenBLAS"), std::string::npos) << r.library;
  EXPECT_EQ(r.threads, 2);
  EXPECT_EQ(r.samples_ms.size(), 3u);
  EXPECT_GT(r.gflops, 0);
  EXPECT_NEAR(r.gflops, matmul.flops(p) / (r.time.median * 1e6), 1e-9 * r.gflops);
}

TEST(Baseline, ConvolutionMethodsComputeTheConvolution) {
  const auto& conv = find_family("conv2d");
  ASSERT_FALSE(conv.baseline_methods().empty());
  for (const char* text :
       {"n=2,c=3,h=9,w=11,k=5,r=3,pad=1", "n=2,c=4,h=12,w=13,k=9,r=3,stride=2,pad=1,dil=2",
        "n=1,c=5,h=13,w=7,k=7,r=1,stride=2", "n=2,c=6,h=5,w=4,k=3,r=1"}) {
    const Problem p = conv.parse_shape(text);
    const auto w = conv.workload(p, 5);
    const auto ref = conv.reference(p, w);
    const auto sh = ConvShape::of(p);
    std::vector<float> out;
    time_im2col_sgemm(sh, w, quick(), &out);
    EXPECT_TRUE(verify(out, ref).ok) << text << ": " << verify(out, ref).message;
    if (have_onednn()) {
      out.clear();
      const auto r = time_onednn_conv(sh, w, quick(), &out);
      EXPECT_TRUE(verify(out, ref).ok) << text << ": " << verify(out, ref).message;
      EXPECT_NE(r.library.find("oneDNN"), std::string::npos);
    }
  }
}

TEST(Baseline, FamiliesTimeEveryMethodFastestFirstAndRejectUnknownOnes) {
  const auto& conv = find_family("conv2d");
  const Problem p = conv.parse_shape("n=1,c=8,h=10,w=10,k=8,r=3,pad=1");
  const auto results = conv.cpu_baseline(p, quick());
  ASSERT_EQ(results.size(), conv.baseline_methods().size());
  for (std::size_t i = 1; i < results.size(); ++i)
    EXPECT_LE(results[i - 1].time.median, results[i].time.median);
  BaselineOptions only = quick();
  only.method = "im2col_sgemm";
  ASSERT_EQ(conv.cpu_baseline(p, only).size(), 1u);
  only.method = "naive";
  EXPECT_THROW(conv.cpu_baseline(p, only), UsageError);
  EXPECT_THROW(find_family("matmul").cpu_baseline(find_family("matmul").parse_shape("8x8x8"), only),
               UsageError);
}

}  // namespace
}  // namespace ktune::kernels
