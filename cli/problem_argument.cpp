#include "cli/problem_argument.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "cli/command_line.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "db/queries.hpp"
#include "kernels/family.hpp"

namespace ktune::cli {
namespace {

// An imported kernel's sizes, in the order of its stored problems.
Problem stored_problem(const db::Store& store, const std::string& kernel,
                       const std::string& shape) {
  const auto stored = db::problems(store, kernel);
  if (stored.empty()) {
    std::vector<std::string> names;
    for (const auto* f : kernels::all_families())
      names.push_back(f->name());
    for (const auto& k : db::kernel_names(store))
      if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
    throw UsageError(
        fmt::format("unknown kernel '{}' (accepted: {})", kernel, fmt::join(names, ", ")));
  }
  Problem problem;
  problem.kernel = kernel;
  if (shape.find('=') != std::string::npos) {
    problem.dims = for_option("--shape", [&] { return db::parse_shape_text(shape); });
    return problem;
  }
  const auto& names = stored.front().problem.dims;
  std::vector<std::string> dim_names, sizes, pairs;
  for (const auto& [name, value] : names) {
    dim_names.push_back(name);
    sizes.push_back(std::to_string(value));
    pairs.push_back(fmt::format("{}={}", name, value));
  }
  const std::string syntax =
      fmt::format("{} sizes ({}): give them as {} or {}", names.size(), fmt::join(dim_names, ", "),
                  fmt::join(sizes, "x"), fmt::join(pairs, ","));
  const auto parts = split(shape, 'x');
  if (parts.size() != names.size())
    throw UsageError(fmt::format("--shape {}: kernel '{}' has {}", shape, kernel, syntax));
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::int64_t value = 0;
    const auto* end = parts[i].data() + parts[i].size();
    const auto [ptr, ec] = std::from_chars(parts[i].data(), end, value);
    if (parts[i].empty() || ec != std::errc() || ptr != end || value < 1)
      throw UsageError(
          fmt::format("--shape {}: '{}' is not a positive integer (kernel '{}' has {})", shape,
                      parts[i], kernel, syntax));
    problem.dims.emplace_back(names[i].first, value);
  }
  return problem;
}

}  // namespace

Problem parse_problem(const db::Store& store, const std::string& kernel, const std::string& shape,
                      const std::string& dtype) {
  Problem problem;
  if (const auto* family = kernels::family_named(kernel)) {
    if (shape.find('=') != std::string::npos) {
      problem = family->default_problem();
      problem.dims = for_option("--shape", [&] { return db::parse_shape_text(shape); });
    } else {
      problem = for_option("--shape", [&] { return family->parse_shape(shape); });
    }
  } else {
    problem = stored_problem(store, kernel, shape);
  }
  if (!dtype.empty()) problem.dtype = dtype;
  return problem;
}

}  // namespace ktune::cli
