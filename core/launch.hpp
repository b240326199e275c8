#pragma once
// What a backend compiles and runs, independent of kernel families: one self-contained source
// with its -D defines, a launch geometry in CUDA terms (blocks of threads), and the arguments.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace ktune {

struct Define {
  std::string name;
  std::string value;
  friend bool operator==(const Define&, const Define&) = default;
};

struct KernelSource {
  std::string entry;  // the kernel function's name
  std::string code;   // complete: the dialect header is already inlined
  std::vector<Define> defines;
  std::vector<std::string> cuda_options;  // NVRTC-only options, e.g. "--maxrregcount=64"
};

struct Geometry {
  std::array<std::uint32_t, 3> grid{1, 1, 1};   // blocks (OpenCL: work-groups) per dimension
  std::array<std::uint32_t, 3> block{1, 1, 1};  // threads (work-items) per block
  std::uint32_t dynamic_shared_bytes = 0;

  std::uint64_t threads_per_block() const { return std::uint64_t{block[0]} * block[1] * block[2]; }
  std::uint64_t blocks() const { return std::uint64_t{grid[0]} * grid[1] * grid[2]; }
};

// A kernel argument: one of the workload's buffers (by index), or a scalar.
struct BufferArg {
  std::size_t index = 0;
};
using KernelArg = std::variant<BufferArg, std::int32_t, float>;

// A variant ready to run: what to compile, how to launch it and with which arguments.
struct LaunchPlan {
  KernelSource source;
  Geometry geometry;
  std::vector<KernelArg> args;
};

}  // namespace ktune
