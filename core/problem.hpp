#pragma once
// What is being computed: a kernel and the sizes of one instance of it (a problem).
// Built-in kernels (kernels/) parse, validate and interpret the sizes; everything else treats them
// as named integers (storage, lookup, constraints).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ktune {

struct Problem {
  std::string kernel;  // "matmul", "conv2d", or a replayed kernel's name
  std::vector<std::pair<std::string, std::int64_t>> dims;  // in the family's order
  std::string dtype = "f32";

  std::optional<std::int64_t> find(std::string_view name) const;
  std::int64_t dim(std::string_view name) const;  // throws std::out_of_range when absent
  std::string canonical() const;                  // "m=256,n=256,k=256"

  friend bool operator==(const Problem&, const Problem&) = default;
};

}  // namespace ktune
