// The CUDA device on a real GPU: identity, launches verified against the CPU reference, timing,
// resources and occupancy against the runtime's own calculator, dynamic shared memory above
// 48 KiB, and recovery from real faults (a wild pointer, an out-of-bounds write, a misaligned
// access), a run past the timeout and an endless kernel. Skipped without a device; every
// failure path is also run without one, on a fake runtime (tests/unit/profiles/cuda/fault).
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <numeric>

#include "core/error.hpp"
#include "kernels/family.hpp"
#include "profiles/backends.hpp"
#include "profiles/cuda/cuda_device.hpp"
#include "profiles/cuda/nvrtc_compiler.hpp"
#include "profiles/cuda/occupancy.hpp"
#include "profiles/kernel_evaluator.hpp"

namespace ktune::profiles::cuda {
namespace {

std::unique_ptr<Device> open_gpu() {
  auto backend = make_backend("cuda");
  if (!backend || backend->discover().devices.empty()) return nullptr;
  return backend->open(0);
}

#define REQUIRE_GPU(device) \
  auto device = open_gpu(); \
  if (!device) GTEST_SKIP() << "no CUDA device: " << no_device_reason()

std::string no_device_reason() {
  auto backend = make_backend("cuda");
  return backend ? backend->discover().problem : "CUDA support was not built";
}

KernelSource source(std::string entry, std::string code) {
  return {std::move(entry), std::move(code), {}, {}};
}

const char* kScale = R"(
extern "C" __global__ void scale(float* data, int n, float factor) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) data[i] *= factor;
})";

std::vector<float> iota(std::size_t n) {
  std::vector<float> v(n);
  std::iota(v.begin(), v.end(), 1.0f);
  return v;
}

std::span<const std::byte> bytes(const std::vector<float>& v) {
  return std::as_bytes(std::span<const float>(v));
}

std::vector<float> read_floats(Device& device, Buffer& buffer, std::size_t n) {
  std::vector<float> out(n);
  device.read(buffer, std::as_writable_bytes(std::span<float>(out)));
  return out;
}

TEST(CudaDevice, IdentityIsComplete) {
  REQUIRE_GPU(device);
  const auto& info = device->info();
  EXPECT_EQ(info.backend, "cuda");
  EXPECT_FALSE(info.name.empty());
  EXPECT_TRUE(info.architecture.starts_with("sm_"));
  EXPECT_GT(info.compute_units, 0);
  EXPECT_GT(info.l2_bytes, 0u);
  EXPECT_GT(info.global_memory_bytes, 1u << 30);
  EXPECT_GT(info.peak_bandwidth_gbs, 100.0);
  EXPECT_GT(info.peak_gflops_fp32, 1000.0);
  EXPECT_FALSE(info.driver_version.empty());
  EXPECT_FALSE(info.runtime_version.empty());
  std::cout << info.name << " " << info.architecture << ": " << info.compute_units << " SMs, "
            << info.peak_bandwidth_gbs << " GB/s, " << info.peak_gflops_fp32 << " GFLOP/s fp32\n";
}

TEST(CudaDevice, LaunchesAndTimesAKernel) {
  REQUIRE_GPU(device);
  const std::size_t n = 1 << 20;
  auto buffer = device->allocate(n * sizeof(float));
  device->write(*buffer, bytes(iota(n)));
  auto program = device->compile(source("scale", kScale));
  ASSERT_TRUE(program->resources.registers);
  Geometry g;
  g.block = {256, 1, 1};
  g.grid = {static_cast<std::uint32_t>(n / 256), 1, 1};
  Buffer* buffers[] = {buffer.get()};
  const std::vector<KernelArg> args{BufferArg{0}, static_cast<std::int32_t>(n), 2.0f};
  device->flush_caches();
  const double ms = device->run(*program, g, args, buffers);
  EXPECT_GT(ms, 0.0);
  EXPECT_LT(ms, 100.0);
  const auto out = read_floats(*device, *buffer, n);
  for (std::size_t i = 0; i < n; i += 4099)
    ASSERT_EQ(out[i], 2.0f * static_cast<float>(i + 1)) << i;
  const auto r = device->resources(*program, g);
  ASSERT_TRUE(r.theoretical_occupancy);
  EXPECT_GT(*r.theoretical_occupancy, 0.0);
}

TEST(CudaDevice, EveryFamilyIsCorrectOnASampleOfVariants) {
  REQUIRE_GPU(device);
  for (const auto* family : kernels::all_families()) {
    const Problem problem = family->default_problem();
    const auto space = family->space(problem, device->info());
    MeasureOptions quick;
    quick.min_runs = 3;
    quick.max_runs = 10;
    KernelEvaluator evaluator(*family, problem, space, *device, quick);
    const auto configs = space.enumerate();
    int correct = 0;
    for (std::size_t i = 0; i < configs.size();
         i += std::max<std::size_t>(1, configs.size() / 12)) {
      const auto e = evaluator.evaluate(configs[i]);
      EXPECT_TRUE(e.outcome == Outcome::correct || e.outcome == Outcome::resource_exceeded)
          << family->name() << " " << space.canonical(configs[i]) << ": " << to_string(e.outcome)
          << " " << e.message;
      if (!e.ok()) continue;
      ++correct;
      EXPECT_GE(e.samples_ms.size(), 3u);
      EXPECT_GT(e.time.median, 0.0);
      ASSERT_TRUE(e.resources.registers);
      ASSERT_TRUE(e.resources.theoretical_occupancy);
      EXPECT_FALSE(e.resources.occupancy_limiter.empty());
    }
    EXPECT_GT(correct, 0) << family->name();
  }
}

TEST(CudaDevice, PrecompiledVariantsAreServedFromTheCache) {
  if (!open_gpu()) GTEST_SKIP() << "no CUDA device: " << no_device_reason();
  std::string dir = "/tmp/ktune-gpu-cache-XXXXXX";
  ASSERT_TRUE(mkdtemp(dir.data()));
  setenv("XDG_CACHE_HOME", dir.c_str(), 1);  // read when the device is opened
  auto device = open_gpu();
  std::vector<KernelSource> sources;
  for (int factor = 1; factor <= 4; ++factor) {
    auto s = source("scale", kScale);
    s.defines.push_back({"VARIANT", std::to_string(factor)});
    sources.push_back(s);
  }
  device->precompile(sources);
  for (const auto& s : sources) {
    const auto program = device->compile(s);
    EXPECT_EQ(program->compile_ms, 0.0) << "not served from the cache";
    EXPECT_TRUE(program->resources.registers);
  }
  auto fresh = source("scale", kScale);
  fresh.defines.push_back({"VARIANT", "99"});
  EXPECT_GT(device->compile(fresh)->compile_ms, 0.0);
  std::filesystem::remove_all(dir);
}

TEST(CudaDevice, OccupancyMatchesTheRuntimeCalculator) {
  REQUIRE_GPU(device);
  const NvrtcCompiler compiler;
  const Architecture arch = device_architecture(0);
  const auto compiled = compiler.compile(source("scale", kScale), arch.name);
  ASSERT_TRUE(compiled.report);
  cudaLibrary_t library = nullptr;
  cudaKernel_t kernel = nullptr;
  ASSERT_EQ(cudaLibraryLoadData(&library, compiled.image.data(), nullptr, nullptr, 0, nullptr,
                                nullptr, 0),
            cudaSuccess);
  ASSERT_EQ(cudaLibraryGetKernel(&kernel, library, "scale"), cudaSuccess);
  for (int threads : {32, 64, 96, 128, 256, 384, 512, 768, 1024}) {
    for (std::size_t dynamic : {0, 4096, 40000}) {
      int blocks = 0;
      ASSERT_EQ(cudaOccupancyMaxActiveBlocksPerMultiprocessor(
                    &blocks, reinterpret_cast<const void*>(kernel), threads, dynamic),
                cudaSuccess);
      const auto ours = theoretical_occupancy(
          arch, {threads, compiled.report->registers,
                 static_cast<std::uint32_t>(compiled.report->shared_bytes),
                 static_cast<std::uint32_t>(dynamic), compiled.report->barriers});
      EXPECT_EQ(ours.active_blocks, blocks) << threads << " threads, " << dynamic << " B";
    }
  }
  cudaLibraryUnload(library);
}

TEST(CudaDevice, DynamicSharedMemoryAbove48KiBIsOptedIn) {
  REQUIRE_GPU(device);
  if (device->info().shared_memory_per_block_optin <= 64 * 1024) GTEST_SKIP() << "no opt-in";
  auto program = device->compile(source("stage", R"(
extern "C" __global__ void stage(float* out, int n) {
  extern __shared__ float s[];
  for (int i = threadIdx.x; i < n; i += blockDim.x) s[i] = (float)i;
  __syncthreads();
  for (int i = threadIdx.x; i < n; i += blockDim.x) out[i] = s[n - 1 - i];
})"));
  const int n = 64 * 1024 / 4;  // 64 KiB
  auto out = device->allocate(n * sizeof(float));
  Geometry g;
  g.block = {256, 1, 1};
  g.dynamic_shared_bytes = n * sizeof(float);
  Buffer* buffers[] = {out.get()};
  const std::vector<KernelArg> args{BufferArg{0}, static_cast<std::int32_t>(n)};
  device->run(*program, g, args, buffers);
  const auto result = read_floats(*device, *out, n);
  EXPECT_EQ(result[0], static_cast<float>(n - 1));
  EXPECT_EQ(result[n - 1], 0.0f);
}

TEST(CudaDevice, OversizedBlocksAreResourceExceeded) {
  REQUIRE_GPU(device);
  auto program = device->compile(source("scale", kScale));
  auto buffer = device->allocate(4096);
  Geometry g;
  g.block = {2048, 1, 1};
  Buffer* buffers[] = {buffer.get()};
  const std::vector<KernelArg> args{BufferArg{0}, 1024, 1.0f};
  try {
    device->run(*program, g, args, buffers);
    FAIL();
  } catch (const VariantFailure& e) {
    EXPECT_EQ(e.outcome(), Outcome::resource_exceeded) << e.what();
  }
}

// A faulting kernel ends its variant; the device is reset before the next operation and every
// buffer comes back with the contents last written, every program still runs.
void expect_recovery_after(const char* entry, const char* code, const char* error_name) {
  auto device = open_gpu();
  ASSERT_TRUE(device);
  const std::size_t n = 4096;
  const auto data = iota(n);
  auto buffer = device->allocate(n * sizeof(float));
  device->write(*buffer, bytes(data));
  auto good = device->compile(source("scale", kScale));
  auto bad = device->compile(source(entry, code));
  Geometry g;
  g.block = {128, 1, 1};
  g.grid = {static_cast<std::uint32_t>(n / 128), 1, 1};
  Buffer* buffers[] = {buffer.get()};
  try {
    device->run(*bad, g, std::vector<KernelArg>{BufferArg{0}}, buffers);
    FAIL() << entry << " did not fail";
  } catch (const VariantFailure& e) {
    EXPECT_EQ(e.outcome(), Outcome::launch_error);
    EXPECT_NE(std::string(e.what()).find(error_name), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_floats(*device, *buffer, n), data) << "buffer not restored after " << entry;
  device->run(*good, g, std::vector<KernelArg>{BufferArg{0}, static_cast<std::int32_t>(n), 3.0f},
              buffers);
  const auto out = read_floats(*device, *buffer, n);
  for (std::size_t i = 0; i < n; ++i)
    ASSERT_EQ(out[i], 3.0f * data[i]) << i;
}

TEST(CudaDevice, RecoversFromAnIllegalAddress) {
  if (!open_gpu()) GTEST_SKIP() << "no CUDA device: " << no_device_reason();
  expect_recovery_after("fault", R"(
extern "C" __global__ void fault(float* data) {
  float* wild = (float*)0x10;  // never mapped
  wild[threadIdx.x] = data[threadIdx.x];
})",
                        "cudaErrorIllegalAddress");
}

TEST(CudaDevice, RecoversFromAMisalignedAccess) {
  if (!open_gpu()) GTEST_SKIP() << "no CUDA device: " << no_device_reason();
  expect_recovery_after("misaligned", R"(
extern "C" __global__ void misaligned(float* data) {
  float* odd = (float*)((char*)data + 2);
  odd[threadIdx.x] = 1.0f;
})",
                        "cudaErrorMisalignedAddress");
}

TEST(CudaDevice, RecoversFromAnOutOfBoundsWrite) {
  if (!open_gpu()) GTEST_SKIP() << "no CUDA device: " << no_device_reason();
  expect_recovery_after("out_of_bounds", R"(
extern "C" __global__ void out_of_bounds(float* data) {
  data[threadIdx.x + (1ull << 40) / sizeof(float)] = 1.0f;  // 1 TiB past a 16 KiB buffer
})",
                        "cudaErrorIllegalAddress");
}

TEST(CudaDevice, ARunPastTheTimeoutIsATimeoutAndTheDeviceRecovers) {
  REQUIRE_GPU(device);
  device->set_run_timeout(200);
  // Spins for `millions` x 10^6 clock cycles: 3000 is about 1.5-2 s at GPU clocks, well past the
  // 200 ms timeout and short enough if the reset has to wait for the kernel.
  auto spin = device->compile(source("spin", R"(
extern "C" __global__ void spin(float* out, int millions) {
  for (int m = 0; m < millions; ++m) {
    const long long start = clock64();
    while (clock64() - start < 1000000) {}
  }
  out[0] = 1.0f;
})"));
  auto buffer = device->allocate(64);
  Buffer* buffers[] = {buffer.get()};
  Geometry g;
  try {
    device->run(*spin, g, std::vector<KernelArg>{BufferArg{0}, 3000}, buffers);
    FAIL();
  } catch (const VariantFailure& e) {
    EXPECT_EQ(e.outcome(), Outcome::timeout) << e.what();
  }
  device->set_run_timeout(10'000);
  const double ms = device->run(*spin, g, std::vector<KernelArg>{BufferArg{0}, 1}, buffers);
  EXPECT_GT(ms, 0.0);
  EXPECT_EQ(read_floats(*device, *buffer, 1)[0], 1.0f);
}

// A kernel that never ends: the timeout ends the variant, the reset must not wait for it (no
// cudaFree or unload before it), and the next variant runs. If cudaDeviceReset itself waits for
// the kernel, this test hangs until CTest's timeout: then only the worker process (a kill) can
// recover, and the in-process path must say so.
TEST(CudaDevice, AnEndlessKernelIsATimeoutAndTheDeviceRecovers) {
  REQUIRE_GPU(device);
  device->set_run_timeout(200);
  auto endless = device->compile(source("endless", R"(
extern "C" __global__ void endless(volatile int* flag) {
  while (*flag == 0) {}  // the flag is zero and nothing sets it
})"));
  auto good = device->compile(source("scale", kScale));
  auto buffer = device->allocate(4096);
  device->write(*buffer, bytes(std::vector<float>(1024, 0.0f)));
  Buffer* buffers[] = {buffer.get()};
  Geometry g;
  try {
    device->run(*endless, g, std::vector<KernelArg>{BufferArg{0}}, buffers);
    FAIL();
  } catch (const VariantFailure& e) {
    EXPECT_EQ(e.outcome(), Outcome::timeout) << e.what();
  }
  device->write(*buffer, bytes(iota(1024)));
  g.block = {256, 1, 1};
  g.grid = {4, 1, 1};
  EXPECT_GT(device->run(*good, g, std::vector<KernelArg>{BufferArg{0}, std::int32_t{1024}, 2.0f},
                        buffers),
            0.0);
  EXPECT_EQ(read_floats(*device, *buffer, 1024)[1023], 2048.0f);
}

}  // namespace
}  // namespace ktune::profiles::cuda
