#pragma once
// The CUDA backend (built only with the toolkit; see cmake/KtuneCuda.cmake).
#include <memory>

#include "profiles/device.hpp"

namespace ktune::profiles::cuda {

std::unique_ptr<Backend> make_backend();

}  // namespace ktune::profiles::cuda
