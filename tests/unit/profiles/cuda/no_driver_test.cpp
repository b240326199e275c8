// Without an NVIDIA driver (our CI machines), the CUDA backend says so in one line and refuses
// to open a device with a runtime error; nothing crashes, and the other backends still work.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "profiles/backends.hpp"
#include "profiles/cuda/cuda_backend.hpp"

namespace ktune::profiles::cuda {
namespace {

TEST(CudaWithoutDriver, DiscoveryExplainsInOneLine) {
  auto backend = make_backend();
  const auto found = backend->discover();
  if (!found.devices.empty()) GTEST_SKIP() << "a CUDA device is present";
  EXPECT_EQ(found.problem.find('\n'), std::string::npos);
  EXPECT_TRUE(found.problem == "CUDA: no NVIDIA driver found (cudaErrorInsufficientDriver (35))" ||
              found.problem == "CUDA: no NVIDIA driver found (cudaErrorStubLibrary (34))" ||
              found.problem.starts_with("CUDA: no CUDA device"))
      << found.problem;
}

TEST(CudaWithoutDriver, OpenIsARuntimeErrorWithTheSameReason) {
  auto backend = make_backend();
  const auto found = backend->discover();
  if (!found.devices.empty()) GTEST_SKIP() << "a CUDA device is present";
  try {
    backend->open(0);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), found.problem);
  }
}

TEST(CudaWithoutDriver, SelectionFallsBackToOpenCL) {
  auto cuda = make_backend();
  if (!cuda->discover().devices.empty()) GTEST_SKIP() << "a CUDA device is present";
  const auto selection = profiles::select_device();
  EXPECT_EQ(selection.device.backend, "opencl");
  EXPECT_THROW(profiles::select_device("cuda"), Error);
}

}  // namespace
}  // namespace ktune::profiles::cuda
