#pragma once
// --shape for a kernel that is built in or only stored (an imported recording).
#include <string>

#include "core/problem.hpp"
#include "db/store.hpp"

namespace ktune::cli {

// A built-in kernel's own syntax (1024x1024x1024) or NAME=SIZE,...; for an imported kernel,
// NAME=SIZE,... or sizes joined by 'x' in the order of its stored problems. UsageError names
// --shape, or the kernel when it is unknown.
Problem parse_problem(const db::Store& store, const std::string& kernel, const std::string& shape,
                      const std::string& dtype);

}  // namespace ktune::cli
