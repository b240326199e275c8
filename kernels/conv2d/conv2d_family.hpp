#pragma once
#include <memory>

#include "kernels/family.hpp"

namespace ktune::kernels {

std::unique_ptr<Family> make_conv2d_family();

}  // namespace ktune::kernels
