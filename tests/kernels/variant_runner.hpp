#pragma once
// Runs compiled kernel variants on several shapes on the OpenCL device (PoCL in CI), so each
// variant is compiled once and checked on every shape: a kernel's problem sizes are arguments,
// so one compiled variant must be right for all of them.
#include <memory>
#include <string>
#include <vector>

#include "kernels/family.hpp"
#include "kernels/verify.hpp"
#include "profiles/device.hpp"

namespace ktune::test {

// The OpenCL device; fails the test (not skips) when there is none: CI installs PoCL.
std::unique_ptr<profiles::Device> open_opencl_device();

// A problem with its inputs and reference, uploaded once.
struct ShapeCase {
  Problem problem;
  kernels::Workload workload;
  kernels::Reference reference;
  std::vector<std::unique_ptr<profiles::Buffer>> buffers;
  std::vector<profiles::Buffer*> views;
};

ShapeCase prepare_shape(profiles::Device& device, const kernels::Family& family,
                        const std::string& shape, std::uint64_t seed = 7);

// Launches `program` (compiled from the plan of `config` for any shape) on `shape`, whose space
// is `space`, with its output
// poisoned with NaN (or reset to its initial contents when the kernel reads it), and compares the
// output with the reference. The plan's source for this shape must be the compiled one.
kernels::Verdict run_on_shape(profiles::Device& device, profiles::Program& program,
                              const kernels::Family& family, const Space& space,
                              const Config& config, ShapeCase& shape);

}  // namespace ktune::test
