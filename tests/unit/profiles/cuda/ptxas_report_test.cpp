#include "profiles/cuda/ptxas_report.hpp"

#include <gtest/gtest.h>

namespace ktune::profiles::cuda {
namespace {

// As NVRTC 13.0 wrote it for sm_80 (cmem[0] listed) with a non-inlined device function.
constexpr const char* kLog = R"(ptxas info    : 0 bytes gmem
ptxas info    : Function properties for _Z6helperPf
ptxas         .     16 bytes stack frame, 8 bytes spill stores, 4 bytes spill loads
ptxas info    : Compiling entry function 'other' for 'sm_80'
ptxas info    : Function properties for other
ptxas         .     0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 12 registers, used 0 barriers, 364 bytes cmem[0]
ptxas info    : Compiling entry function 'matmul' for 'sm_80'
ptxas info    : Function properties for matmul
ptxas         .     40 bytes stack frame, 36 bytes spill stores, 32 bytes spill loads
ptxas info    : Used 64 registers, used 1 barriers, 40 bytes cumulative stack size, 8192 bytes smem, 400 bytes cmem[0], 24 bytes cmem[2]
ptxas info    : Compile time = 48.409 ms
)";

TEST(PtxasReport, ReadsTheEntryItIsAskedFor) {
  const auto r = parse_ptxas_report(kLog, "matmul");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->registers, 64);
  EXPECT_EQ(r->barriers, 1);
  EXPECT_EQ(r->shared_bytes, 8192);
  EXPECT_EQ(r->stack_bytes, 40);
  EXPECT_EQ(r->spill_store_bytes, 36);
  EXPECT_EQ(r->spill_load_bytes, 32);
  EXPECT_EQ(r->const_bytes, 424);

  const auto o = parse_ptxas_report(kLog, "other");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->registers, 12);
  EXPECT_EQ(o->barriers, 0);
  EXPECT_EQ(o->shared_bytes, 0);
  EXPECT_EQ(o->spill_store_bytes, 0);
}

TEST(PtxasReport, Sm90LogsWithoutConstantBanksOrShared) {
  const auto r = parse_ptxas_report(
      "ptxas info    : Compiling entry function 'k' for 'sm_90'\n"
      "ptxas info    : Function properties for k\n"
      "ptxas         .     0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\n"
      "ptxas info    : Used 40 registers, used 1 barriers\n",
      "k");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->registers, 40);
  EXPECT_EQ(r->shared_bytes, 0);
  EXPECT_EQ(r->const_bytes, 0);
}

TEST(PtxasReport, AbsentEntryOrEmptyLogGivesNothing) {
  EXPECT_FALSE(parse_ptxas_report(kLog, "missing"));
  EXPECT_FALSE(parse_ptxas_report("", "matmul"));
  EXPECT_FALSE(parse_ptxas_report("nvrtc: error: invalid value for --gpu-architecture", "k"));
}

TEST(PtxasReport, ToResourcesCarriesEveryFigure) {
  const auto r = to_resources(*parse_ptxas_report(kLog, "matmul"));
  EXPECT_EQ(r.registers, 64);
  EXPECT_EQ(r.shared_bytes, 8192);
  EXPECT_EQ(r.stack_bytes, 40);
  EXPECT_EQ(r.spill_store_bytes, 36);
  EXPECT_EQ(r.spill_load_bytes, 32);
  EXPECT_EQ(r.const_bytes, 424);
  EXPECT_FALSE(r.theoretical_occupancy);
}

}  // namespace
}  // namespace ktune::profiles::cuda
