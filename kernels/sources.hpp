#pragma once
// The kernel source files, compiled into the binary (see cmake/KtuneEmbed.cmake).
#include <string>
#include <string_view>

namespace ktune::kernels {

// The text of a file under kernels/, e.g. "kernels/matmul/matmul.cl". Throws std::out_of_range.
std::string_view source_file(std::string_view path);

// A kernel file made self-contained for a backend: each `#include "ktune_dialect.h"` line is
// replaced by the header's text (OpenCL cannot take in-memory headers).
std::string assemble(std::string_view path);

}  // namespace ktune::kernels
