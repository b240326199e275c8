#pragma once
#include <memory>

#include "kernels/family.hpp"

namespace ktune::kernels {

std::unique_ptr<Family> make_matmul_family();

}  // namespace ktune::kernels
