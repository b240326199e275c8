#pragma once
// What the generated header needs to know about a kernel family beyond its space: the sizes a
// caller passes, the kernel files, the launch geometry and the kernel's arguments. Kept next to
// the generator; checked against the families' own launch plans by tests/integration/export.
#include <string>
#include <utility>
#include <vector>

namespace ktune::package {

struct FamilySpec {
  std::string kernel;
  std::vector<std::string> dims;          // fields of the generated Shape, in order
  std::vector<std::string> source_files;  // under kernels/, e.g. "matmul/matmul.cl"
  // Inline functions of `const Shape& s` the other snippets use (e.g. conv2d's output size).
  std::string helpers;
  // The space's shape bindings as C++ expressions of `s` (M -> s.m, P -> output_rows(s)), so
  // generated code can re-check constraints for any shape.
  std::vector<std::pair<std::string, std::string>> shape_bindings;
  // C++ statements computing `Geometry g` ({blocks, threads}) from `const Config& c` and
  // `const Shape& s`; parameters are read as c.v[P_NAME].
  std::string geometry;
  // C++ expression choosing the index into source_files for `c`.
  std::string source_of;
  // The CUDA launch helper: its extra parameters (after the configuration and the shape) and
  // the kernel's arguments.
  std::vector<std::pair<std::string, std::string>> cuda_parameters;  // type, name
  std::string cuda_arguments;
};

// Throws UsageError for a kernel the exporter does not know.
const FamilySpec& family_spec(const std::string& kernel);

}  // namespace ktune::package
