#pragma once
// The C++ that `ktune export` writes: the standalone header (table, constraints, dispatch,
// OpenCL and CUDA helpers) and one CUDA translation unit per configuration.
#include <cstddef>
#include <string>

#include "package/package_model.hpp"

namespace ktune::package {

// `source`: where the table came from, for the header's first line.
std::string header_text(const Model& model, const std::string& source);
std::string cuda_unit(const Model& model, std::size_t configuration);

}  // namespace ktune::package
