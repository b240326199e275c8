#pragma once
// A kernel's launch description (kernels/launch_spec.hpp) translated to C++ for the generated
// header: the sizes a caller passes, the kernel files, the geometry and the CUDA launch
// helper's parameters and arguments. The same expressions the tuner evaluates, written as C++
// (Expression::to_cpp); nothing here names a kernel.
#include <string>
#include <utility>
#include <vector>

#include "kernels/family.hpp"

namespace ktune::package {

struct LaunchCode {
  std::string kernel;
  std::vector<std::string> dims;          // fields of the generated Shape, in order
  std::vector<std::string> source_files;  // under kernels/, e.g. "matmul/matmul.cl"
  // Inline functions of `const Shape& s` for the derived sizes (size_P(s), ...).
  std::string helpers;
  // Every size binding as a C++ expression of `s` (M -> s.m, P -> size_P(s)), so generated
  // code can re-check constraints for any shape.
  std::vector<std::pair<std::string, std::string>> shape_bindings;
  // C++ statements setting `Geometry g` ({blocks, threads}) from `const Config& c` and
  // `const Shape& s`; parameters are read as c.v[i].
  std::string geometry;
  // The CUDA launch helper: its extra parameters (after the configuration and the shape) and
  // the kernel's arguments.
  std::vector<std::pair<std::string, std::string>> cuda_parameters;  // type, name
  std::string cuda_arguments;
};

LaunchCode translate_launch(const kernels::Family& family);

// `text` (an expression over the family's parameters and sizes) as C++ over c.v[i] and the
// shape bindings; throws std::logic_error for a name that is neither.
std::string translate_expression(const std::string& text, const std::vector<Param>& params,
                                 const std::vector<std::pair<std::string, std::string>>& bindings);

// Local lambdas for the checked division helpers that `expressions` use, writing into `ok`.
std::string division_helpers(const std::vector<std::string>& expressions);

}  // namespace ktune::package
