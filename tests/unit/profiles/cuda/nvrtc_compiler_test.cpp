// NVRTC offline: cubins for several architectures, the ptxas report, compile errors, the
// on-disk cache (a second compile is served from it; a changed define recompiles), and
// parallel compilation.
#include "profiles/cuda/nvrtc_compiler.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.hpp"
#include "tests/support/temp_dir.hpp"

namespace ktune::profiles::cuda {
namespace {

// A kernel whose register use grows with N (an unrolled array of N accumulators).
KernelSource accumulate(int n, std::vector<std::string> options = {}) {
  KernelSource s;
  s.entry = "accumulate";
  s.code = R"(
#ifndef N
#define N 4
#endif
extern "C" __global__ void accumulate(const float* __restrict__ in, float* __restrict__ out, int m) {
  __shared__ float tile[256];
  float acc[N];
#pragma unroll
  for (int i = 0; i < N; ++i) acc[i] = in[i * m + threadIdx.x];
  tile[threadIdx.x] = acc[0];
  __syncthreads();
  for (int j = 0; j < m; ++j) {
#pragma unroll
    for (int i = 0; i < N; ++i) acc[i] = fmaf(acc[i], tile[(j + i) & 255], in[j * N + i]);
  }
  float total = 0.0f;
#pragma unroll
  for (int i = 0; i < N; ++i) total += acc[i];
  out[blockIdx.x * blockDim.x + threadIdx.x] = total;
}
)";
  s.defines = {{"N", std::to_string(n)}};
  s.cuda_options = std::move(options);
  return s;
}

TEST(Nvrtc, CompilesCubinsForEverySupportedTableArchitecture) {
  const NvrtcCompiler compiler;
  int compiled = 0;
  for (const char* arch : {"sm_75", "sm_80", "sm_86", "sm_89", "sm_90", "sm_100", "sm_120"}) {
    if (!nvrtc_supports(std::stoi(std::string(arch).substr(3)))) continue;
    const auto result = compiler.compile(accumulate(8), arch);
    EXPECT_FALSE(result.ptx);
    EXPECT_EQ(result.target, arch);
    ASSERT_GT(result.image.size(), 64u) << arch;
    EXPECT_EQ(result.image.substr(0, 4),
              "\x7f"
              "ELF")
        << arch << ": a cubin is an ELF file";
    ASSERT_TRUE(result.report) << result.log;
    EXPECT_GT(result.report->registers, 8) << arch;
    EXPECT_EQ(result.report->shared_bytes, 1024) << arch;
    EXPECT_EQ(result.report->barriers, 1) << arch;
    EXPECT_GT(result.compile_ms, 0.0);
    EXPECT_FALSE(result.from_cache);
    ++compiled;
  }
  EXPECT_GE(compiled, 5);
}

TEST(Nvrtc, MaxRegisterCountLimitsRegistersAndForcesSpills) {
  const NvrtcCompiler compiler;
  const auto free = compiler.compile(accumulate(64), "sm_90");
  const auto capped = compiler.compile(accumulate(64, {"--maxrregcount=32"}), "sm_90");
  ASSERT_TRUE(free.report && capped.report);
  EXPECT_GT(free.report->registers, 64);
  EXPECT_LE(capped.report->registers, 32);
  EXPECT_GT(capped.report->spill_store_bytes, 0) << capped.log;
  EXPECT_GT(capped.report->spill_load_bytes, 0) << capped.log;
  EXPECT_EQ(free.report->spill_store_bytes, 0) << free.log;
}

TEST(Nvrtc, PtxTargetsSkipPtxas) {
  const auto result = NvrtcCompiler().compile(accumulate(2), "compute_90");
  EXPECT_TRUE(result.ptx);
  EXPECT_FALSE(result.report);
  EXPECT_NE(result.image.find(".entry accumulate"), std::string::npos);
}

TEST(Nvrtc, CompileErrorIsAVariantFailureWithTheCompilersMessage) {
  KernelSource bad = accumulate(2);
  bad.code += "\nextern \"C\" __global__ void broken() { undeclared_name = 1; }\n";
  try {
    NvrtcCompiler().compile(bad, "sm_80");
    FAIL();
  } catch (const VariantFailure& e) {
    EXPECT_EQ(e.outcome(), Outcome::compile_error);
    EXPECT_NE(std::string(e.what()).find("undeclared_name"), std::string::npos) << e.what();
  }
  KernelSource bad_option = accumulate(2, {"--no-such-option"});
  try {
    NvrtcCompiler().compile(bad_option, "sm_80");
    FAIL();
  } catch (const VariantFailure& e) {
    EXPECT_EQ(e.outcome(), Outcome::compile_error);
  }
  KernelSource wrong_entry = accumulate(2);
  wrong_entry.entry = "nope";
  EXPECT_THROW(NvrtcCompiler().compile(wrong_entry, "sm_80"), VariantFailure);
}

TEST(Nvrtc, UnsupportedTargetIsAUsageErrorNamingWhatIsSupported) {
  if (nvrtc_supports(70)) GTEST_SKIP() << "this NVRTC still targets sm_70";
  try {
    NvrtcCompiler().compile(accumulate(2), "sm_70");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("sm_70"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("sm_80"), std::string::npos) << e.what();
  }
  EXPECT_THROW(NvrtcCompiler().compile(accumulate(2), "gfx90a"), UsageError);
}

TEST(CompileCache, SecondCompileIsServedFromDiskAndADefineChangeRecompiles) {
  test::TempDir dir;
  const NvrtcCompiler compiler(CompileCache(dir.path()));
  const auto first = compiler.compile(accumulate(4), "sm_90");
  EXPECT_FALSE(first.from_cache);

  // Another compiler (as in a second tuning run) over the same directory.
  const NvrtcCompiler again(CompileCache(dir.path()));
  const auto second = again.compile(accumulate(4), "sm_90");
  EXPECT_TRUE(second.from_cache);
  EXPECT_EQ(second.compile_ms, 0.0);
  EXPECT_EQ(second.image, first.image);
  ASSERT_TRUE(second.report);
  EXPECT_EQ(second.report->registers, first.report->registers);

  EXPECT_FALSE(again.compile(accumulate(5), "sm_90").from_cache);                 // define
  EXPECT_FALSE(again.compile(accumulate(4), "sm_80").from_cache);                 // architecture
  EXPECT_FALSE(again.compile(accumulate(4, {"-lineinfo"}), "sm_90").from_cache);  // option
  KernelSource edited = accumulate(4);
  edited.code += "\n// edited\n";
  EXPECT_FALSE(again.compile(edited, "sm_90").from_cache);  // source
  EXPECT_TRUE(again.compile(accumulate(5), "sm_90").from_cache);
}

TEST(CompileCache, DamagedEntriesAreRecompiledNotTrusted) {
  test::TempDir dir;
  const NvrtcCompiler compiler(CompileCache(dir.path()));
  compiler.compile(accumulate(3), "sm_90");
  int damaged = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
    if (!entry.is_regular_file()) continue;
    std::filesystem::resize_file(entry.path(), entry.file_size() / 2);  // a truncated write
    ++damaged;
  }
  ASSERT_EQ(damaged, 1);
  const auto result = compiler.compile(accumulate(3), "sm_90");
  EXPECT_FALSE(result.from_cache);
  EXPECT_TRUE(compiler.compile(accumulate(3), "sm_90").from_cache);  // and rewritten whole
}

TEST(CompileCache, ConcurrentWritersOfOneEntryLeaveAWholeEntry) {
  test::TempDir dir;
  const NvrtcCompiler compiler(CompileCache(dir.path()));
  const std::vector<KernelSource> same(4, accumulate(7));  // four threads, one key
  for (const auto& r : compiler.compile_all(same, "sm_80", 4))
    ASSERT_TRUE(r.compiled) << r.error;
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path()))
    files += entry.is_regular_file();
  EXPECT_EQ(files, 1) << "temporary files must not remain";
  EXPECT_TRUE(compiler.compile(accumulate(7), "sm_80").from_cache);
}

TEST(CompileCache, KeyDependsOnEveryInput) {
  const KernelSource s = accumulate(4);
  const auto base = cache_key(s, "sm_90", "nvrtc 13.0", "-x");
  EXPECT_EQ(base.size(), 40u);
  EXPECT_EQ(base, cache_key(s, "sm_90", "nvrtc 13.0", "-x"));
  EXPECT_NE(base, cache_key(s, "sm_90", "nvrtc 13.1", "-x"));
  EXPECT_NE(base, cache_key(s, "sm_80", "nvrtc 13.0", "-x"));
  EXPECT_NE(base, cache_key(s, "sm_90", "nvrtc 13.0", "-y"));
  KernelSource d = s;
  d.defines[0].value = "40";
  EXPECT_NE(base, cache_key(d, "sm_90", "nvrtc 13.0", "-x"));
}

TEST(CompileCache, DefaultDirectoryFollowsXdg) {
  const char* saved = std::getenv("XDG_CACHE_HOME");
  const std::string before = saved ? saved : "";
  setenv("XDG_CACHE_HOME", "/tmp/xdg-cache", 1);
  EXPECT_EQ(CompileCache::default_directory(), "/tmp/xdg-cache/ktune/cubins");
  setenv("XDG_CACHE_HOME", "relative/path", 1);  // ignored, as the specification says
  EXPECT_NE(CompileCache::default_directory().string().find(".cache/ktune/cubins"),
            std::string::npos);
  if (saved)
    setenv("XDG_CACHE_HOME", before.c_str(), 1);
  else
    unsetenv("XDG_CACHE_HOME");
}

TEST(Nvrtc, CompileAllKeepsOrderAndReportsFailuresPerVariant) {
  std::vector<KernelSource> sources;
  for (int n : {1, 2, 3, 4, 5, 6})
    sources.push_back(accumulate(n));
  sources[3].code += "\n#error deliberately broken\n";
  std::size_t calls = 0;
  std::mutex m;
  const auto results = NvrtcCompiler().compile_all(sources, "sm_80", 2, [&](std::size_t) {
    std::lock_guard lock(m);
    ++calls;
  });
  ASSERT_EQ(results.size(), sources.size());
  EXPECT_EQ(calls, sources.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (i == 3) {
      EXPECT_FALSE(results[i].compiled);
      EXPECT_NE(results[i].error.find("deliberately broken"), std::string::npos)
          << results[i].error;
    } else {
      ASSERT_TRUE(results[i].compiled) << results[i].error;
      EXPECT_TRUE(results[i].error.empty());
    }
  }
  // Same source compiled alone gives the same registers: results are not mixed up.
  const auto alone = NvrtcCompiler().compile(sources[5], "sm_80");
  EXPECT_EQ(alone.report->registers, results[5].compiled->report->registers);
}

TEST(Nvrtc, CompileAllStopsOnAnEnvironmentFailure) {
  std::vector<KernelSource> sources{accumulate(1), accumulate(2)};
  EXPECT_THROW(NvrtcCompiler().compile_all(sources, "sm_1", 2), UsageError);
}

}  // namespace
}  // namespace ktune::profiles::cuda
