#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/error.hpp"
#include "kernels/conv2d/conv2d_shape.hpp"
#include "kernels/family.hpp"
#include "kernels/sample.hpp"

namespace ktune::kernels {
namespace {

const Family& conv() {
  return find_family("conv2d");
}

DeviceInfo device(const char* backend, int threads, std::uint64_t shared) {
  DeviceInfo d;
  d.backend = backend;
  d.architecture = "sm_90";
  d.max_threads_per_block = threads;
  d.shared_memory_per_block = shared;
  return d;
}

TEST(Conv2dShape, OmittedFieldsTakeTheirDefaults) {
  const auto sh = parse_conv_shape("c=3,h=224,w=224,k=64,r=7,stride=2,pad=3");
  EXPECT_EQ(sh.n, 1);
  EXPECT_EQ(sh.s, 7);  // s follows r unless given
  EXPECT_EQ(sh.dil, 1);
  EXPECT_EQ(sh.p(), 112);
  EXPECT_EQ(sh.q(), 112);
  const auto d = parse_conv_shape("");
  EXPECT_EQ(d.problem().canonical(), "n=1,c=64,h=56,w=56,k=64,r=3,s=3,stride=1,pad=0,dil=1");
  EXPECT_EQ(d.p(), 54);
  const auto rect = parse_conv_shape("h=10,w=9,r=3,s=1,stride=2,dil=2");
  EXPECT_EQ(rect.p(), 3);  // (10 - 5) / 2 + 1
  EXPECT_EQ(rect.q(), 5);  // (9 - 1) / 2 + 1
  const Problem p = conv().parse_shape("n=8,c=64,h=56,w=56,k=128,r=3,s=3,stride=1,pad=1,dil=1");
  EXPECT_EQ(conv().parse_shape(p.canonical()), p);
  EXPECT_EQ(p.canonical(), "n=8,c=64,h=56,w=56,k=128,r=3,s=3,stride=1,pad=1,dil=1");
}

class BadConvShape : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(BadConvShape, IsAUsageErrorThatSaysWhy) {
  const auto [text, fragment] = GetParam();
  try {
    conv().parse_shape(text);
    FAIL() << "accepted " << text;
  } catch (const UsageError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
    // Syntax errors show the syntax; a filter too large says what the padded input holds.
    if (std::string(fragment).find("filter") == std::string::npos)
      EXPECT_NE(message.find("n=N,c=C"), std::string::npos) << message;
    else
      EXPECT_NE(message.find("padded input"), std::string::npos) << message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadConvShape,
    ::testing::Values(
        std::pair{"n=0", "must be at least 1"}, std::pair{"c=-3", "must be at least 1"},
        std::pair{"stride=0", "stride: must be at least 1"},
        std::pair{"dil=0", "dil: must be at least 1"}, std::pair{"pad=-1", "must be at least 0"},
        std::pair{"h=5,w=5,r=7", "the filter spans 7 rows"},
        std::pair{"h=5,w=5,r=3,pad=0,dil=3", "the filter spans 7 rows"},
        std::pair{"h=9,w=2,r=3,s=3", "the filter spans 3 columns"},
        std::pair{"c=3,colour=2", "unknown key 'colour' (accepted: n, c, h, w"},
        std::pair{"c=3,c=4", "key 'c' given twice"}, std::pair{"c=3,k", "expected key=value"},
        std::pair{"c=x", "'x' is not a positive integer"},
        std::pair{"n=65536,c=65536,h=64,w=64", "more than"},
        std::pair{"h=9999999999", "too large"}));

TEST(Conv2dShape, AFilterFillingThePaddedInputIsAccepted) {
  const auto sh = parse_conv_shape("h=5,w=5,r=7,pad=1");
  EXPECT_EQ(sh.p(), 1);
  EXPECT_EQ(parse_conv_shape("h=1,w=1,r=1,k=1,c=1").p(), 1);
}

// The reference against the definition, summed in the obvious order.
std::vector<double> naive_conv(const ConvShape& sh, const Workload& w, bool absolute = false) {
  std::vector<double> y(static_cast<std::size_t>(sh.output_elements()));
  const auto& x = w.buffers[0];
  const auto& f = w.buffers[1];
  std::size_t o = 0;
  for (std::int64_t n = 0; n < sh.n; ++n)
    for (std::int64_t k = 0; k < sh.k; ++k)
      for (std::int64_t p = 0; p < sh.p(); ++p)
        for (std::int64_t q = 0; q < sh.q(); ++q, ++o) {
          double sum = 0;
          for (std::int64_t c = 0; c < sh.c; ++c)
            for (std::int64_t r = 0; r < sh.r; ++r)
              for (std::int64_t s = 0; s < sh.s; ++s) {
                const auto iy = p * sh.stride - sh.pad + r * sh.dil;
                const auto ix = q * sh.stride - sh.pad + s * sh.dil;
                if (iy < 0 || iy >= sh.h || ix < 0 || ix >= sh.w) continue;
                const double product =
                    static_cast<double>(
                        f[static_cast<std::size_t>(((k * sh.c + c) * sh.r + r) * sh.s + s)]) *
                    x[static_cast<std::size_t>(((n * sh.c + c) * sh.h + iy) * sh.w + ix)];
                sum += absolute ? std::abs(product) : product;
              }
          y[o] = sum;
        }
  return y;
}

TEST(Conv2dFamily, ReferenceMatchesTheDefinition) {
  for (const char* text :
       {"n=2,c=3,h=9,w=11,k=5,r=3,pad=1", "n=1,c=5,h=13,w=7,k=7,r=1,stride=2",
        "n=1,c=3,h=10,w=9,k=6,r=7,pad=3", "n=2,c=4,h=12,w=13,k=9,r=3,stride=2,pad=1,dil=2",
        "n=1,c=17,h=6,w=5,k=33,r=3,s=2", "n=1,c=1,h=1,w=1,k=1,r=1"}) {
    const Problem p = conv().parse_shape(text);
    const auto w = conv().workload(p, 3);
    const auto ref = conv().reference(p, w);
    const auto expected = naive_conv(ConvShape::of(p), w);
    ASSERT_EQ(ref.values.size(), expected.size()) << text;
    for (std::size_t i = 0; i < expected.size(); ++i)
      ASSERT_NEAR(ref.values[i], expected[i], 1e-12) << text << " at " << i;
    EXPECT_GT(ref.tolerance, 0);
    // The magnitudes sum the absolute products (in fp32: a relative error of a few ulps).
    const auto magnitudes = naive_conv(ConvShape::of(p), w, true);
    ASSERT_EQ(ref.magnitudes.size(), magnitudes.size()) << text;
    for (std::size_t i = 0; i < magnitudes.size(); ++i)
      ASSERT_NEAR(ref.magnitudes[i], magnitudes[i], 1e-5 * magnitudes[i]) << text << " at " << i;
    EXPECT_EQ(ref.reduction_length, static_cast<double>(ConvShape::of(p).reduction()));
  }
}

TEST(Conv2dFamily, WorkAndTrafficAndBuffers) {
  const Problem p = conv().parse_shape("n=2,c=3,h=8,w=8,k=4,r=3,pad=1");
  EXPECT_EQ(conv().flops(p), 2.0 * 2 * 4 * 8 * 8 * 3 * 3 * 3);
  EXPECT_EQ(conv().buffer_elements(p),
            (std::vector<std::uint64_t>{2 * 3 * 64, 4 * 3 * 9, 2 * 4 * 64}));
  EXPECT_EQ(conv().min_bytes(p), 4.0 * (2 * 3 * 64 + 4 * 3 * 9 + 2 * 4 * 64));
  const auto w = conv().workload(p, 9);
  EXPECT_EQ(w.output, 2u);
  EXPECT_FALSE(w.output_is_read);
  for (const auto& buffer : w.buffers)
    for (float x : buffer)
      EXPECT_NE(x, 0.0f);
}

TEST(Conv2dFamily, BothAlgorithmsHaveThousandsOfConfigurationsAndInactiveOnesArePinned) {
  const Problem p = conv().default_problem();
  for (const auto& d : {device("opencl", 4096, 1 << 20), device("cuda", 1024, 48 * 1024),
                        device("opencl", 64, 4096)}) {
    const auto space = conv().space(p, d);
    ASSERT_TRUE(space.is_valid(space.default_config()));
    const auto direct = space.param("ALGO").parse("direct").value();
    std::size_t directs = 0, igemms = 0;
    std::set<std::vector<std::int64_t>> kernels_seen;
    for (const auto& c : space.enumerate()) {
      const bool is_direct = space.value(c, "ALGO") == direct;
      (is_direct ? directs : igemms)++;
      // The parameters of the other algorithm are not part of the kernel.
      std::vector<std::int64_t> kernel;
      for (const char* name :
           is_direct ? std::vector<const char*>{"TK", "TP", "TQ", "WK", "WQ", "CB", "SI", "SF"}
                     : std::vector<const char*>{"GM", "GN", "GK", "GTM", "GTN"})
        kernel.push_back(space.value(c, name));
      kernel.push_back(is_direct);
      EXPECT_TRUE(kernels_seen.insert(kernel).second) << space.canonical(c);
      const auto plan = conv().plan(space, c);
      EXPECT_LE(plan.geometry.threads_per_block(),
                static_cast<std::uint64_t>(d.max_threads_per_block));
    }
    if (d.max_threads_per_block >= 512) {
      EXPECT_GE(directs, 1000u);
      EXPECT_GE(igemms, 100u);
      EXPECT_GE(directs + igemms, 2000u);
    }
    EXPECT_GT(directs, 0u);
    EXPECT_GT(igemms, 0u);
  }
}

TEST(Conv2dFamily, PlansUseOneSourcePerConfigurationForEveryShape) {
  const auto d = device("opencl", 4096, 1 << 20);
  const auto space = conv().space(conv().default_problem(), d);
  for (const auto& c : covering_sample(space, 100, 4)) {
    const auto first = conv().plan(space, c);
    for (const char* text :
         {"n=1,c=1,h=1,w=1,k=1,r=1", "n=3,c=7,h=31,w=17,k=70,r=5,stride=2,pad=2,dil=2"}) {
      const auto plan = conv().plan(conv().space(conv().parse_shape(text), d), c);
      EXPECT_EQ(plan.source.code, first.source.code);
      EXPECT_EQ(plan.source.defines, first.source.defines);
      EXPECT_EQ(plan.args.size(), 15u);
      EXPECT_GE(plan.geometry.blocks(), 1u);
    }
  }
}

}  // namespace
}  // namespace ktune::kernels
