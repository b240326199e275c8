// The occupancy calculator against hand-computed cases and against the toolkit's own
// cuda_occupancy.h (pure host code) on a randomized grid, for every architecture in the table.
#include "profiles/cuda/occupancy.hpp"

#include <cuda_occupancy.h>
#include <gtest/gtest.h>

#include <random>

#include "core/error.hpp"

namespace ktune::profiles::cuda {
namespace {

cudaOccDeviceProp toolkit_properties(const Architecture& a) {
  cudaOccDeviceProp p;
  p.computeMajor = a.major;
  p.computeMinor = a.minor;
  p.maxThreadsPerBlock = a.max_threads_per_block;
  p.maxThreadsPerMultiprocessor = a.max_threads_per_sm;
  p.regsPerBlock = a.registers_per_block;
  p.regsPerMultiprocessor = a.registers_per_sm;
  p.warpSize = a.warp_size;
  p.sharedMemPerBlock = a.shared_per_block;
  p.sharedMemPerMultiprocessor = a.shared_per_sm;
  p.numSms = 100;
  p.sharedMemPerBlockOptin = a.shared_per_block_optin;
  p.reservedSharedMemPerBlock = a.reserved_shared_per_block;
  return p;
}

TEST(Architecture, FindsEveryListedArchitectureBySeveralSpellings) {
  EXPECT_EQ(find_architecture("sm_90").name, "sm_90");
  EXPECT_EQ(find_architecture("90").name, "sm_90");
  EXPECT_EQ(find_architecture("8.6").name, "sm_86");
  EXPECT_EQ(find_architecture("sm_120").major, 12);
  for (const char* name :
       {"sm_70", "sm_75", "sm_80", "sm_86", "sm_87", "sm_89", "sm_90", "sm_100", "sm_120"})
    EXPECT_EQ(find_architecture(name).name, name);
}

TEST(Architecture, UnknownArchitectureIsAUsageErrorListingTheAccepted) {
  try {
    find_architecture("sm_91");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("sm_91"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("sm_70, sm_75"), std::string::npos) << e.what();
  }
  EXPECT_THROW(find_architecture("hopper"), UsageError);
  EXPECT_THROW(find_architecture(""), UsageError);
}

TEST(Architecture, UnlistedDevicesTakeTheClosestOlderEntryOfTheirMajor) {
  const auto a = architecture_for(10, 3);
  EXPECT_EQ(a.name, "sm_103");
  EXPECT_EQ(a.max_threads_per_sm, find_architecture("sm_100").max_threads_per_sm);
  const auto b = architecture_for(12, 1);
  EXPECT_EQ(b.max_blocks_per_sm, find_architecture("sm_120").max_blocks_per_sm);
  const auto c = architecture_for(8, 8);
  EXPECT_EQ(c.max_blocks_per_sm, find_architecture("sm_87").max_blocks_per_sm);
}

TEST(Occupancy, HandComputedCases) {
  // sm_90, 256 threads, 32 registers: 8 warps a block; 64 warp slots -> 8 blocks; registers
  // 1024 a warp -> 16 warps per sub-partition -> 64 warps -> 8 blocks. Full occupancy.
  auto o = theoretical_occupancy(find_architecture("sm_90"), {256, 32, 0, 0, 1});
  EXPECT_EQ(o.active_blocks, 8);
  EXPECT_DOUBLE_EQ(o.fraction, 1.0);
  EXPECT_EQ(o.limiter, Limiter::threads);
  EXPECT_TRUE(o.limiters & static_cast<unsigned>(Limiter::registers));

  // 128 registers: 4096 a warp -> 4 warps per sub-partition -> 16 warps -> 2 blocks of 8.
  o = theoretical_occupancy(find_architecture("sm_90"), {256, 128, 0, 0, 1});
  EXPECT_EQ(o.active_blocks, 2);
  EXPECT_DOUBLE_EQ(o.fraction, 0.25);
  EXPECT_EQ(o.limiter, Limiter::registers);

  // sm_86: 1536 threads an SM, so one 1024-thread block fills 32 of 48 warp slots.
  o = theoretical_occupancy(find_architecture("sm_86"), {1024, 32, 0, 0, 1});
  EXPECT_EQ(o.active_blocks, 1);
  EXPECT_NEAR(o.fraction, 2.0 / 3.0, 1e-12);

  // Shared memory: 48 KiB static + 1 KiB reserved on sm_80 (164 KiB an SM) -> 3 blocks.
  o = theoretical_occupancy(find_architecture("sm_80"), {128, 32, 48 * 1024, 0, 1});
  EXPECT_EQ(o.active_blocks, 3);
  EXPECT_EQ(o.limiter, Limiter::shared_memory);
  EXPECT_EQ(o.allocated_shared_per_block, 49 * 1024u);

  // Tiny blocks hit the resident-block limit: 32 threads on sm_89 -> 24 blocks, 24 of 48 warps.
  o = theoretical_occupancy(find_architecture("sm_89"), {32, 16, 0, 0, 1});
  EXPECT_EQ(o.active_blocks, 24);
  EXPECT_EQ(o.limiter, Limiter::blocks);
  EXPECT_DOUBLE_EQ(o.fraction, 0.5);
}

TEST(Occupancy, BlocksThatCannotLaunchSayWhy) {
  const auto& h100 = find_architecture("sm_90");
  auto o = theoretical_occupancy(h100, {1024, 255, 0, 0, 1});
  EXPECT_EQ(o.active_blocks, 0);
  EXPECT_DOUBLE_EQ(o.fraction, 0.0);
  EXPECT_NE(o.why_not.find("registers"), std::string::npos) << o.why_not;

  o = theoretical_occupancy(h100, {256, 32, 0, 228 * 1024, 1});
  EXPECT_EQ(o.active_blocks, 0);
  EXPECT_NE(o.why_not.find("shared memory"), std::string::npos) << o.why_not;

  o = theoretical_occupancy(h100, {2048, 16, 0, 0, 1});
  EXPECT_EQ(o.active_blocks, 0);
  EXPECT_NE(o.why_not.find("threads"), std::string::npos) << o.why_not;

  // Above 48 KiB a kernel opts in: 100 KiB dynamic fits on sm_90 but not on sm_86 (99 KiB).
  EXPECT_EQ(theoretical_occupancy(h100, {256, 32, 0, 100 * 1024, 1}).active_blocks, 2);
  EXPECT_EQ(
      theoretical_occupancy(find_architecture("sm_86"), {256, 32, 0, 100 * 1024, 1}).active_blocks,
      0);
}

// cuda_occupancy.h with the launcher's settings: shared memory opted in up to what is needed,
// the default carveout, and the kernel's barrier count.
cudaOccResult toolkit_occupancy(const Architecture& arch, const LaunchUsage& u) {
  const cudaOccDeviceProp props = toolkit_properties(arch);
  cudaOccFuncAttributes attributes;
  attributes.maxThreadsPerBlock = arch.max_threads_per_block;
  attributes.numRegs = u.registers_per_thread;
  attributes.sharedSizeBytes = u.static_shared_bytes;
  attributes.partitionedGCConfig = PARTITIONED_GC_OFF;
  attributes.shmemLimitConfig = FUNC_SHMEM_LIMIT_OPTIN;
  attributes.maxDynamicSharedSizeBytes = u.dynamic_shared_bytes;
  attributes.numBlockBarriers = u.barriers;
  cudaOccDeviceState state;
  cudaOccResult result{};
  const auto status = cudaOccMaxActiveBlocksPerMultiprocessor(
      &result, &props, &attributes, &state, u.threads_per_block, u.dynamic_shared_bytes);
  EXPECT_EQ(status, CUDA_OCC_SUCCESS) << arch.name;
  return result;
}

TEST(Occupancy, MatchesTheToolkitsCalculatorOnARandomGridForEveryArchitecture) {
  std::mt19937_64 rng(20240611);
  for (const auto& arch : known_architectures()) {
    std::uniform_int_distribution<int> threads(1, arch.max_threads_per_block);
    std::uniform_int_distribution<int> registers(0, 255);
    std::uniform_int_distribution<std::uint32_t> shared(0, arch.shared_per_block_optin + 4096);
    std::uniform_int_distribution<int> barriers(0, 3);
    int launchable = 0;
    for (int i = 0; i < 3000; ++i) {
      LaunchUsage u;
      // A third of the cases at warp multiples and power-of-two block sizes, as real kernels use.
      u.threads_per_block = i % 3 == 0 ? 32 << (i / 3 % 6) : threads(rng);
      u.registers_per_thread = registers(rng);
      const std::uint32_t total = i % 4 == 0 ? 0 : shared(rng);
      u.static_shared_bytes = std::min<std::uint32_t>(total, i % 2 ? 49152 : total / 3);
      u.dynamic_shared_bytes = total - u.static_shared_bytes;
      u.barriers = barriers(rng);
      const auto ours = theoretical_occupancy(arch, u);
      const auto theirs = toolkit_occupancy(arch, u);
      ASSERT_EQ(ours.active_blocks, theirs.activeBlocksPerMultiprocessor)
          << arch.name << " threads=" << u.threads_per_block << " regs=" << u.registers_per_thread
          << " static=" << u.static_shared_bytes << " dynamic=" << u.dynamic_shared_bytes
          << " barriers=" << u.barriers;
      if (ours.active_blocks > 0) {
        ++launchable;
        EXPECT_NE(theirs.limitingFactors & static_cast<unsigned>(ours.limiter), 0u)
            << arch.name << " limiter " << to_string(ours.limiter) << " vs mask "
            << theirs.limitingFactors;
        EXPECT_EQ(ours.blocks_by_registers, theirs.blockLimitRegs) << arch.name;
        EXPECT_EQ(ours.blocks_by_threads, theirs.blockLimitWarps) << arch.name;
        EXPECT_EQ(ours.blocks_by_shared, theirs.blockLimitSharedMem) << arch.name;
        EXPECT_EQ(ours.allocated_shared_per_block, theirs.allocatedSharedMemPerBlock) << arch.name;
      }
    }
    EXPECT_GT(launchable, 500) << arch.name << ": the grid must exercise launchable blocks";
  }
}

// Parts the table does not list start from an older entry, but take their resident-block and
// barrier limits from cuda_occupancy.h: 10.1 and 11.0 (Jetson Thor) have 24 blocks and one
// barrier per block slot where 10.0 has 32 and two.
TEST(Occupancy, UnlistedArchitecturesMatchTheToolkitsCalculator) {
  std::mt19937_64 rng(20250801);
  for (const auto& [major, minor] :
       std::vector<std::pair<int, int>>{{10, 1}, {10, 3}, {11, 0}, {12, 1}}) {
    const Architecture arch = architecture_for(major, minor);
    std::uniform_int_distribution<int> threads(1, arch.max_threads_per_block);
    std::uniform_int_distribution<int> registers(0, 128);
    std::uniform_int_distribution<int> barriers(1, 4);
    for (int i = 0; i < 2000; ++i) {
      LaunchUsage u;
      u.threads_per_block = i % 2 ? 32 : threads(rng);  // small blocks: the block limits bind
      u.registers_per_thread = registers(rng);
      u.barriers = barriers(rng);
      ASSERT_EQ(theoretical_occupancy(arch, u).active_blocks,
                toolkit_occupancy(arch, u).activeBlocksPerMultiprocessor)
          << arch.name << " threads=" << u.threads_per_block << " regs=" << u.registers_per_thread
          << " barriers=" << u.barriers;
    }
  }
}

}  // namespace
}  // namespace ktune::profiles::cuda
