#pragma once
// The OpenCL backend: any OpenCL 1.2+ platform (PoCL on the CPU in CI, GPUs elsewhere).
#include <memory>

#include "profiles/device.hpp"

namespace ktune::profiles::opencl {

std::unique_ptr<Backend> make_backend();

}  // namespace ktune::profiles::opencl
