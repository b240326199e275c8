#pragma once
// How a kernel is launched, described once as data (as kernel_launcher's builder does): which
// kernel file a configuration runs and with which -D defines, its launch geometry, dynamic shared
// memory and arguments — expressions of the constraint language over the configuration's
// parameters and the problem's sizes. plan_launch() evaluates them for the tuner; package/
// translates the same expressions to C++ for the exported header. Adding a kernel is describing
// it here; nothing in package/ names a kernel.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/launch.hpp"
#include "core/problem.hpp"
#include "space/space.hpp"

namespace ktune::kernels {

// A problem size as constraints name it ("M") and as the problem does ("m"). An optional size
// takes `absent` when the problem does not have it; a size that is not `exported` is not part of
// the exported header's shape (matmul's beta: the caller passes it to the launch).
struct SizeBinding {
  std::string name;
  std::string dim;
  std::optional<std::int64_t> absent{};
  bool exported = true;
};

// A size derived from others: conv2d's output rows P = (H + 2*pad - dil*(R-1) - 1)/stride + 1.
struct DerivedSize {
  std::string name;
  std::string expression;  // over the sizes
};

struct KernelFile {
  std::string path;                  // under kernels/: "matmul/matmul.cl"
  std::string entry;                 // the kernel function's name
  std::string when = "1";            // the configurations that run this file
  std::vector<std::string> defines;  // the parameters it is compiled with (-D NAME=value)
};

struct LaunchArgument {
  enum class Kind { int32, float32, buffer };
  Kind kind = Kind::int32;
  std::string name;  // as the exported launch helper names it
  // int32: an expression over the sizes. float32: the value the tuner passes, an expression over
  // the sizes (the exported launch helper takes it from its caller).
  std::string value;
  std::size_t buffer = 0;  // buffer: index into the workload's buffers
  bool read_only = true;   // buffer: the kernel only reads it
};

// A compiler option for CUDA, when a configuration asks for it: `prefix` then the value of
// `value` ("--maxrregcount=" MAXRREG when MAXRREG > 0).
struct CudaOption {
  std::string when;
  std::string prefix;
  std::string value;
};

struct LaunchSpec {
  std::vector<SizeBinding> sizes;
  std::vector<DerivedSize> derived;
  std::vector<KernelFile> files;  // the first whose `when` holds
  std::string threads;            // threads per block (a 1-D block)
  std::string blocks;             // blocks (a 1-D grid)
  std::string dynamic_shared_bytes = "0";
  std::vector<LaunchArgument> arguments;
  std::vector<CudaOption> cuda_options;
};

// The sizes and derived sizes of `problem` as bindings for a space's constraints.
Bindings size_bindings(const LaunchSpec& spec, const Problem& problem);

// What to compile and how to launch `config` of `space` (built with size_bindings() for the
// problem): the spec evaluated. Throws VariantFailure (resource_exceeded) for a grid beyond
// 2^31-1 blocks.
LaunchPlan plan_launch(const LaunchSpec& spec, const Space& space, const Config& config);

}  // namespace ktune::kernels
