#include <gtest/gtest.h>

#include <set>

#include "core/error.hpp"
#include "kernels/family.hpp"
#include "kernels/matmul/matmul_family.hpp"
#include "kernels/sample.hpp"
#include "kernels/sources.hpp"

namespace ktune::kernels {
namespace {

DeviceInfo cuda_device() {
  DeviceInfo d;
  d.backend = "cuda";
  d.architecture = "sm_90";
  d.max_threads_per_block = 1024;
  d.shared_memory_per_block = 48 * 1024;
  return d;
}

DeviceInfo pocl_device() {
  DeviceInfo d;
  d.backend = "opencl";
  d.max_threads_per_block = 4096;
  d.shared_memory_per_block = 1 << 20;
  return d;
}

DeviceInfo small_device() {  // an embedded OpenCL GPU
  DeviceInfo d;
  d.backend = "opencl";
  d.max_threads_per_block = 64;
  d.shared_memory_per_block = 4096;
  return d;
}

const Family& matmul() {
  return find_family("matmul");
}

// A program may add families (register_family), but never a second one of a taken name.
TEST(MatmulFamily, ItsNameCannotBeRegisteredTwice) {
  EXPECT_THROW(register_family(make_matmul_family()), Error);
  int named = 0;
  for (const Family* f : all_families())
    named += f->name() == "matmul";
  EXPECT_EQ(named, 1);
}

TEST(MatmulFamily, SpaceHasThousandsOfValidConfigurationsAndAValidDefault) {
  const Problem p = matmul().default_problem();
  for (const auto& device : {pocl_device(), cuda_device(), small_device()}) {
    const auto space = matmul().space(p, device);
    const auto valid = space.enumerate();
    EXPECT_GE(valid.size(), 2000u) << device.backend << " " << device.max_threads_per_block;
    EXPECT_LT(valid.size(), space.cross_product_size());  // the constraints reject some
    EXPECT_TRUE(space.is_valid(space.default_config())) << space.canonical(space.default_config());
  }
}

TEST(MatmulFamily, ConstraintsKeepEveryConfigurationWithinTheDevice) {
  const auto device = small_device();
  const auto space = matmul().space(matmul().parse_shape("100x100x100"), device);
  for (const auto& c : space.enumerate()) {
    auto v = [&](const char* name) { return space.value(c, name); };
    const auto threads = (v("BM") / v("TM")) * (v("BN") / v("TN"));
    EXPECT_LE(threads, 64);
    const auto shared = 4 * (v("DB") + 1) *
                        (v("SA") * v("BK") * (v("BM") + v("PAD")) + v("SB") * v("BK") * v("BN"));
    EXPECT_LE(shared, 4096) << space.canonical(c);
    EXPECT_EQ(v("BK") % v("VW"), 0);
    EXPECT_EQ(v("BK") % v("UNROLL"), 0);
    const auto plan = matmul().plan(space, c);
    EXPECT_EQ(plan.geometry.threads_per_block(), static_cast<std::uint64_t>(threads));
  }
}

TEST(MatmulFamily, InactiveParametersArePinnedSoNoTwoConfigurationsAreTheSameKernel) {
  const auto space = matmul().space(matmul().default_problem(), pocl_device());
  // What the kernel can tell apart: staging parameters mean nothing without staging, padding
  // nothing without a staged A.
  std::set<std::vector<std::int64_t>> kernels_seen;
  const auto slot = [&](const char* name) { return *space.index_of(name); };
  for (const auto& c : space.enumerate()) {
    auto kernel = c.values;
    if (!space.value(c, "SA") && !space.value(c, "SB"))
      for (const char* name : {"VW", "DB", "BK"})
        kernel[slot(name)] = -1;
    if (!space.value(c, "SA")) kernel[slot("PAD")] = -1;
    EXPECT_TRUE(kernels_seen.insert(kernel).second) << space.canonical(c);
  }
}

TEST(MatmulFamily, CudaRegisterKnobsExistOnlyOnCudaAndBecomeCompilerOptions) {
  const Problem p = matmul().parse_shape("256x256x256");
  const auto ocl = matmul().space(p, pocl_device());
  EXPECT_EQ(ocl.param("MAXRREG").values, (std::vector<std::int64_t>{0}));
  EXPECT_EQ(ocl.param("MINB").values, (std::vector<std::int64_t>{0}));
  const auto cuda = matmul().space(p, cuda_device());
  EXPECT_GT(cuda.param("MAXRREG").values.size(), 1u);
  EXPECT_GT(cuda.enumerate().size(), ocl.enumerate().size());
  const auto regs = cuda.parse_config("MAXRREG=64");
  ASSERT_TRUE(cuda.is_valid(regs)) << *cuda.violation(regs);
  const auto plan = matmul().plan(cuda, regs);
  EXPECT_EQ(plan.source.cuda_options, (std::vector<std::string>{"--maxrregcount=64"}));
  // Launch bounds and --maxrregcount exclude each other (nvcc ignores the latter with bounds).
  EXPECT_FALSE(cuda.is_valid(cuda.parse_config("MAXRREG=64,MINB=2")));
  const auto bounds = matmul().plan(cuda, cuda.parse_config("MINB=2"));
  EXPECT_TRUE(bounds.source.cuda_options.empty());
  EXPECT_NE(
      std::find(bounds.source.defines.begin(), bounds.source.defines.end(), Define{"MINB", "2"}),
      bounds.source.defines.end());
}

TEST(MatmulFamily, PlansCoverTheOutputAndOneVariantServesEveryShape) {
  const auto device = pocl_device();
  const auto space = matmul().space(matmul().default_problem(), device);
  for (const auto& c : covering_sample(space, 200, 3)) {
    const LaunchPlan first = matmul().plan(space, c);
    for (const char* shape : {"1x1x1", "257x129x65", "4096x3x1"}) {
      const Problem p = matmul().parse_shape(shape);
      const auto plan = matmul().plan(matmul().space(p, device), c);
      const auto bm = space.value(c, "BM"), bn = space.value(c, "BN");
      const auto blocks = ((p.dim("m") + bm - 1) / bm) * ((p.dim("n") + bn - 1) / bn);
      EXPECT_EQ(plan.geometry.blocks(), static_cast<std::uint64_t>(blocks));
      EXPECT_EQ(plan.source.code, first.source.code);
      EXPECT_EQ(plan.source.defines, first.source.defines);
      EXPECT_EQ(std::get<std::int32_t>(plan.args[0]), p.dim("m"));
    }
  }
}

TEST(MatmulFamily, DefaultAdaptsToSmallDevices) {
  const Problem p = matmul().default_problem();
  const auto big = matmul().space(p, cuda_device());
  EXPECT_EQ(big.canonical(big.default_config()).substr(0, 24), "BM=64,BN=64,BK=8,TM=4,TN");
  const auto small = matmul().space(p, small_device());
  const auto plan = matmul().plan(small, small.default_config());
  EXPECT_LE(plan.geometry.threads_per_block(), 64u);
}

TEST(MatmulFamily, ReferenceIsExactForSmallIntegers) {
  const Problem p = matmul().parse_shape("2x2x2");
  Workload w;
  w.buffers = {{1, 2, 3, 4}, {5, 6, 7, 8}, {100, 200, 300, 400}};
  w.output = 2;
  EXPECT_EQ(matmul().reference(p, w).values, (std::vector<double>{19, 22, 43, 50}));
  // beta = 1 accumulates into C.
  const Problem acc = matmul().parse_shape("2x2x2,beta=1");
  EXPECT_EQ(matmul().reference(acc, w).values, (std::vector<double>{119, 222, 343, 450}));
}

TEST(MatmulFamily, MagnitudesSumTheAbsoluteProducts) {
  Workload w;
  w.buffers = {{1, -2, 3, 4}, {5, 6, -7, 8}, {100, -200, 300, 400}};
  w.output = 2;
  const auto ref = matmul().reference(matmul().parse_shape("2x2x2"), w);
  EXPECT_EQ(ref.values, (std::vector<double>{19, -10, -13, 50}));
  EXPECT_EQ(ref.magnitudes, (std::vector<double>{19, 22, 43, 50}));
  EXPECT_EQ(ref.reduction_length, 2);
  // beta = 1 adds |c|.
  const auto acc = matmul().reference(matmul().parse_shape("2x2x2,beta=1"), w);
  EXPECT_EQ(acc.magnitudes, (std::vector<double>{119, 222, 343, 450}));
}

TEST(MatmulFamily, ToleranceGrowsWithTheReductionLength) {
  const auto short_k = matmul().reference(matmul().parse_shape("1x1x1"),
                                          matmul().workload(matmul().parse_shape("1x1x1"), 1));
  const auto long_k = matmul().reference(matmul().parse_shape("1x1x65536"),
                                         matmul().workload(matmul().parse_shape("1x1x65536"), 1));
  EXPECT_LT(short_k.tolerance, long_k.tolerance);
  EXPECT_LE(short_k.tolerance, 1e-5);
  EXPECT_LT(long_k.tolerance, 1e-3);
}

TEST(MatmulFamily, WorkloadIsSeededAndNeverZero) {
  const Problem p = matmul().parse_shape("16x8x4");
  const auto a = matmul().workload(p, 1), b = matmul().workload(p, 1), c = matmul().workload(p, 2);
  EXPECT_EQ(a.buffers, b.buffers);
  EXPECT_NE(a.buffers[0], c.buffers[0]);
  for (const auto& buffer : a.buffers)
    for (float x : buffer) {
      EXPECT_NE(x, 0.0f);
      EXPECT_LE(std::abs(x), 1.0f);
    }
  EXPECT_FALSE(a.output_is_read);
  EXPECT_TRUE(matmul().workload(matmul().parse_shape("16x8x4,beta=1"), 1).output_is_read);
}

TEST(MatmulFamily, WorkAndTraffic) {
  const Problem p = matmul().parse_shape("16x8x4");
  EXPECT_EQ(matmul().flops(p), 2.0 * 16 * 8 * 4);
  EXPECT_EQ(matmul().min_bytes(p), 4.0 * (16 * 4 + 4 * 8 + 16 * 8));
  // beta != 0 reads C as well.
  EXPECT_EQ(matmul().min_bytes(matmul().parse_shape("16x8x4,beta=1")),
            4.0 * (16 * 4 + 4 * 8 + 2 * 16 * 8));
  EXPECT_EQ(matmul().buffer_elements(p), (std::vector<std::uint64_t>{64, 32, 128}));
}

TEST(MatmulFamily, ShapesRoundTripThroughTheirCanonicalText) {
  for (const char* text : {"3x5x7", "3x5x7,beta=1", "m=3,n=5,k=7", "m=3, n=5, k=7, beta=1"}) {
    const Problem p = matmul().parse_shape(text);
    EXPECT_EQ(matmul().parse_shape(p.canonical()), p) << text;
  }
  EXPECT_EQ(matmul().parse_shape("3x5x7").canonical(), "m=3,n=5,k=7");
  EXPECT_EQ(matmul().parse_shape("3x5x7,beta=1").canonical(), "m=3,n=5,k=7,beta=1");
  EXPECT_EQ(matmul().parse_shape("3x5x7,beta=0"), matmul().parse_shape("3x5x7"));
}

TEST(Sources, DialectIsInlinedAndEveryKernelFileIsEmbedded) {
  for (const char* file : {"kernels/matmul/matmul.cl", "kernels/conv2d/conv2d_direct.cl",
                           "kernels/conv2d/conv2d_igemm.cl"}) {
    const std::string text = assemble(file);
    EXPECT_EQ(text.find("#include \"ktune_dialect.h\""), std::string::npos) << file;
    EXPECT_NE(text.find("KTUNE_DIALECT_H"), std::string::npos) << file;
  }
}

}  // namespace
}  // namespace ktune::kernels
