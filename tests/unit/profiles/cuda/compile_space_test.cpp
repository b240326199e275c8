// Issue 3's NVRTC requirement: every family in kernels::all_families() compiles with NVRTC for
// sm_80 and sm_90 with zero errors, on a seeded sample of at least 200 variants per family (the
// whole space when it is smaller). Families are picked up from the registry automatically.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "kernels/family.hpp"
#include "profiles/cuda/architecture.hpp"
#include "profiles/cuda/nvrtc_compiler.hpp"
#include "profiles/cuda/offline_analysis.hpp"

namespace ktune::profiles::cuda {
namespace {

constexpr std::size_t kSample = 200;

std::vector<Config> sample(std::vector<Config> all, std::uint64_t seed) {
  if (all.size() <= kSample) return all;
  std::mt19937_64 rng(seed);
  std::shuffle(all.begin(), all.end(), rng);
  all.resize(kSample);
  return all;
}

TEST(CompileSpace, EveryFamilyCompilesForSm80AndSm90) {
  const auto families = kernels::all_families();
  ASSERT_FALSE(families.empty());
  const NvrtcCompiler compiler;  // no cache: this test must really compile
  for (const auto* family : families) {
    for (const char* arch : {"sm_80", "sm_90"}) {
      const Problem problem = family->default_problem();
      const auto space = family->space(problem, describe_architecture(find_architecture(arch)));
      const auto configs = sample(space.enumerate(), 42);
      ASSERT_FALSE(configs.empty()) << family->name() << " has no valid variant for " << arch;
      std::vector<KernelSource> sources;
      for (const auto& c : configs)
        sources.push_back(family->plan(space, c).source);
      const auto results = compiler.compile_all(sources, arch);
      std::size_t failures = 0;
      for (std::size_t i = 0; i < results.size(); ++i) {
        if (results[i].compiled) continue;
        if (++failures <= 5)
          ADD_FAILURE() << family->name() << " " << space.canonical(configs[i]) << " for " << arch
                        << ": " << results[i].error;
      }
      EXPECT_EQ(failures, 0u) << family->name() << " " << arch << ": " << failures << " of "
                              << results.size() << " variants failed to compile";
      std::cout << "[ compiled ] " << family->name() << " " << arch << ": " << results.size()
                << " variants\n";
    }
  }
}

}  // namespace
}  // namespace ktune::profiles::cuda
