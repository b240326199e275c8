// kernels/ktune_dialect.h under separable compilation: `ktune export` writes one .cu per tuned
// configuration, each with the kernel file's device functions compiled under that
// configuration's macros. With external linkage those are weak symbols of one name and different
// bodies, and the device linker keeps one of them for every configuration (nvlink 13.0 links
// two such objects silently). With internal linkage each unit keeps its own.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "kernels/sources.hpp"
#include "profiles/cuda/nvrtc_compiler.hpp"

namespace ktune::profiles::cuda {
namespace {

TEST(Dialect, DeviceFunctionsHaveInternalLinkage) {
  KernelSource source;
  source.entry = "k";
  source.code = std::string(kernels::source_file("kernels/ktune_dialect.h")) + R"(
KT_DEVICE_FN float twice(float x) { return 2.0f * x; }
// Taking its address keeps an out-of-line definition, as a call that is not inlined would.
__device__ float (*pick)(float) = twice;
KT_KERNEL void k(float* p) { p[KT_THREAD_ID_X] = pick(p[KT_THREAD_ID_X]); }
)";
  source.cuda_options = {"--relocatable-device-code=true"};
  const auto ptx = NvrtcCompiler().compile(source, "compute_90").image;
  int definitions = 0;
  std::istringstream lines(ptx);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(".func") == std::string::npos || line.find("twice") == std::string::npos)
      continue;
    ++definitions;
    EXPECT_EQ(line.find(".weak"), std::string::npos) << line;
    EXPECT_EQ(line.find(".visible"), std::string::npos) << line;
  }
  EXPECT_GT(definitions, 0) << ptx;
}

}  // namespace
}  // namespace ktune::profiles::cuda
