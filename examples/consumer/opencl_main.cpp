// Runs the tuned matmul and conv2d through OpenCL on the first OpenCL device, with the
// configuration the exported table picks for each shape, and checks every result against a
// CPU reference. Exit code 0 when every result is right.
#include <CL/cl.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "ktune_tuned/conv2d.hpp"
#include "ktune_tuned/matmul.hpp"

namespace {

void check(cl_int status, const char* what) {
  if (status != CL_SUCCESS)
    throw std::runtime_error(std::string(what) + " failed: " + std::to_string(status));
}

template <typename T, cl_int (*Release)(T)>
struct Releaser {
  void operator()(T handle) const {
    if (handle) Release(handle);
  }
};
using Context =
    std::unique_ptr<std::remove_pointer_t<cl_context>, Releaser<cl_context, clReleaseContext>>;
using Queue = std::unique_ptr<std::remove_pointer_t<cl_command_queue>,
                              Releaser<cl_command_queue, clReleaseCommandQueue>>;
using Program =
    std::unique_ptr<std::remove_pointer_t<cl_program>, Releaser<cl_program, clReleaseProgram>>;
using Kernel =
    std::unique_ptr<std::remove_pointer_t<cl_kernel>, Releaser<cl_kernel, clReleaseKernel>>;
using Memory = std::unique_ptr<std::remove_pointer_t<cl_mem>, Releaser<cl_mem, clReleaseMemObject>>;

struct Gpu {
  cl_device_id device = nullptr;
  Context context;
  Queue queue;
  std::string name;
};

Gpu open_first_device() {
  cl_platform_id platform = nullptr;
  cl_uint count = 0;
  check(clGetPlatformIDs(1, &platform, &count), "clGetPlatformIDs");
  if (count == 0) throw std::runtime_error("no OpenCL platform");
  Gpu gpu;
  check(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &gpu.device, &count), "clGetDeviceIDs");
  char name[256] = {};
  check(clGetDeviceInfo(gpu.device, CL_DEVICE_NAME, sizeof name, name, nullptr), "device name");
  gpu.name = name;
  cl_int status = CL_SUCCESS;
  gpu.context.reset(clCreateContext(nullptr, 1, &gpu.device, nullptr, nullptr, &status));
  check(status, "clCreateContext");
  gpu.queue.reset(clCreateCommandQueue(gpu.context.get(), gpu.device, 0, &status));
  check(status, "clCreateCommandQueue");
  return gpu;
}

// The package's helper builds the configuration's kernel file with its defines.
template <typename Config, typename BuildFn>
Kernel build(const Gpu& gpu, const Config& config, BuildFn build_opencl, const char* entry) {
  cl_int status = CL_SUCCESS;
  std::string log;
  Program program(
      build_opencl(gpu.context.get(), gpu.device, config, KTUNE_TUNED_KERNEL_DIR, &status, &log));
  if (!program) throw std::runtime_error("build of " + std::string(config.text) + ": " + log);
  Kernel kernel(clCreateKernel(program.get(), entry, &status));
  check(status, "clCreateKernel");
  return kernel;
}

Memory buffer(const Gpu& gpu, std::vector<float>& data) {
  cl_int status = CL_SUCCESS;
  Memory m(clCreateBuffer(gpu.context.get(), CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
                          data.size() * sizeof(float), data.data(), &status));
  check(status, "clCreateBuffer");
  return m;
}

void run(const Gpu& gpu, cl_kernel kernel, const ktune_tuned::Geometry& g) {
  const size_t local = static_cast<size_t>(g.threads);
  const size_t global = static_cast<size_t>(g.blocks) * local;
  check(clEnqueueNDRangeKernel(gpu.queue.get(), kernel, 1, nullptr, &global, &local, 0, nullptr,
                               nullptr),
        "clEnqueueNDRangeKernel");
  check(clFinish(gpu.queue.get()), "clFinish");
}

std::vector<float> random_values(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v)
    x = dist(rng);
  return v;
}

double relative_error(const std::vector<float>& got, const std::vector<double>& want) {
  double num = 0, den = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (!std::isfinite(got[i])) return INFINITY;
    num += (got[i] - want[i]) * (got[i] - want[i]);
    den += want[i] * want[i];
  }
  return std::sqrt(num / (den > 0 ? den : 1));
}

bool run_matmul(const Gpu& gpu, ktune_tuned::matmul::Shape s) {
  using namespace ktune_tuned;
  const auto choice = matmul::choose({"opencl", gpu.name.c_str(), ""}, s);
  auto a = random_values(static_cast<std::size_t>(s.m * s.k), 1);
  auto b = random_values(static_cast<std::size_t>(s.k * s.n), 2);
  std::vector<float> c(static_cast<std::size_t>(s.m * s.n), NAN);
  Kernel kernel = build(gpu, *choice.config, matmul::build_opencl, "matmul");
  Memory da = buffer(gpu, a), db = buffer(gpu, b), dc = buffer(gpu, c);
  const int m = static_cast<int>(s.m), n = static_cast<int>(s.n), k = static_cast<int>(s.k);
  const float alpha = 1.0f, beta = 0.0f;
  cl_mem mems[3] = {da.get(), db.get(), dc.get()};
  check(clSetKernelArg(kernel.get(), 0, sizeof m, &m), "arg");
  check(clSetKernelArg(kernel.get(), 1, sizeof n, &n), "arg");
  check(clSetKernelArg(kernel.get(), 2, sizeof k, &k), "arg");
  check(clSetKernelArg(kernel.get(), 3, sizeof alpha, &alpha), "arg");
  check(clSetKernelArg(kernel.get(), 4, sizeof beta, &beta), "arg");
  for (cl_uint i = 0; i < 3; ++i)
    check(clSetKernelArg(kernel.get(), 5 + i, sizeof(cl_mem), &mems[i]), "arg");
  run(gpu, kernel.get(), matmul::geometry(*choice.config, s));
  check(clEnqueueReadBuffer(gpu.queue.get(), dc.get(), CL_TRUE, 0, c.size() * sizeof(float),
                            c.data(), 0, nullptr, nullptr),
        "read");
  std::vector<double> want(c.size(), 0.0);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      double sum = 0;
      for (int p = 0; p < k; ++p)
        sum += static_cast<double>(a[static_cast<std::size_t>(i * k + p)]) *
               b[static_cast<std::size_t>(p * n + j)];
      want[static_cast<std::size_t>(i * n + j)] = sum;
    }
  const double error = relative_error(c, want);
  const bool ok = error < 1e-5;
  std::printf("matmul %lldx%lldx%lld: rule %s, config %s, relative error %.2e: %s\n",
              static_cast<long long>(s.m), static_cast<long long>(s.n), static_cast<long long>(s.k),
              to_string(choice.rule), choice.config->text, error, ok ? "ok" : "WRONG");
  return ok;
}

bool run_conv2d(const Gpu& gpu, ktune_tuned::conv2d::Shape s) {
  using namespace ktune_tuned;
  const auto choice = conv2d::choose({"opencl", gpu.name.c_str(), ""}, s);
  const std::int64_t p = conv2d::size_P(s), q = conv2d::size_Q(s);  // output rows, columns
  auto x = random_values(static_cast<std::size_t>(s.n * s.c * s.h * s.w), 3);
  auto f = random_values(static_cast<std::size_t>(s.k * s.c * s.r * s.s), 4);
  std::vector<float> y(static_cast<std::size_t>(s.n * s.k * p * q), NAN);
  Kernel kernel = build(gpu, *choice.config, conv2d::build_opencl, "conv2d");
  Memory dx = buffer(gpu, x), df = buffer(gpu, f), dy = buffer(gpu, y);
  const int ints[12] = {
      static_cast<int>(s.n),      static_cast<int>(s.c),   static_cast<int>(s.h),
      static_cast<int>(s.w),      static_cast<int>(s.k),   static_cast<int>(s.r),
      static_cast<int>(s.s),      static_cast<int>(p),     static_cast<int>(q),
      static_cast<int>(s.stride), static_cast<int>(s.pad), static_cast<int>(s.dil)};
  for (cl_uint i = 0; i < 12; ++i)
    check(clSetKernelArg(kernel.get(), i, sizeof(int), &ints[i]), "arg");
  cl_mem mems[3] = {dx.get(), df.get(), dy.get()};
  for (cl_uint i = 0; i < 3; ++i)
    check(clSetKernelArg(kernel.get(), 12 + i, sizeof(cl_mem), &mems[i]), "arg");
  run(gpu, kernel.get(), conv2d::geometry(*choice.config, s));
  check(clEnqueueReadBuffer(gpu.queue.get(), dy.get(), CL_TRUE, 0, y.size() * sizeof(float),
                            y.data(), 0, nullptr, nullptr),
        "read");
  std::vector<double> want(y.size(), 0.0);
  for (std::int64_t n = 0; n < s.n; ++n)
    for (std::int64_t k = 0; k < s.k; ++k)
      for (std::int64_t i = 0; i < p; ++i)
        for (std::int64_t j = 0; j < q; ++j) {
          double sum = 0;
          for (std::int64_t c = 0; c < s.c; ++c)
            for (std::int64_t r = 0; r < s.r; ++r)
              for (std::int64_t t = 0; t < s.s; ++t) {
                const std::int64_t h = i * s.stride - s.pad + r * s.dil;
                const std::int64_t w = j * s.stride - s.pad + t * s.dil;
                if (h < 0 || h >= s.h || w < 0 || w >= s.w) continue;
                sum += static_cast<double>(
                           x[static_cast<std::size_t>(((n * s.c + c) * s.h + h) * s.w + w)]) *
                       f[static_cast<std::size_t>(((k * s.c + c) * s.r + r) * s.s + t)];
              }
          want[static_cast<std::size_t>(((n * s.k + k) * p + i) * q + j)] = sum;
        }
  const double error = relative_error(y, want);
  const bool ok = error < 1e-5;
  std::printf(
      "conv2d n=%lld,c=%lld,h=%lld,w=%lld,k=%lld,r=%lld: rule %s, config %s, relative "
      "error %.2e: %s\n",
      static_cast<long long>(s.n), static_cast<long long>(s.c), static_cast<long long>(s.h),
      static_cast<long long>(s.w), static_cast<long long>(s.k), static_cast<long long>(s.r),
      to_string(choice.rule), choice.config->text, error, ok ? "ok" : "WRONG");
  return ok;
}

}  // namespace

int main() {
  try {
    const Gpu gpu = open_first_device();
    std::printf("device: %s\n", gpu.name.c_str());
    bool ok = true;
    // Shapes tuned by the CI test (exact) and shapes it never tuned (nearest shape).
    ok &= run_matmul(gpu, {64, 48, 40});
    ok &= run_matmul(gpu, {100, 70, 33});
    ok &= run_conv2d(gpu, {1, 8, 12, 12, 8, 3, 3, 1, 1, 1});
    ok &= run_conv2d(gpu, {2, 5, 9, 11, 6, 3, 3, 2, 1, 1});
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "consumer_opencl: %s\n", e.what());
    return 1;
  }
}
