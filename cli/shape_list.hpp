#pragma once
// `ktune tune KERNEL --shapes FILE`: the list of shapes an application runs, one a line (as
// --shape takes it; blank lines and # comments skipped), each checked against the kernel.
// With --shard i/N, the list is split (shape k goes to part k mod N) instead of the space.
#include <optional>
#include <string>
#include <vector>

#include "core/problem.hpp"
#include "kernels/family.hpp"
#include "tuner/shard.hpp"

namespace ktune::cli {

struct ListedShape {
  std::size_t line = 0;  // 1-based line in the file
  std::string text;      // as written (trimmed)
  Problem problem;
};

// Every shape of `path`, in order; a repeated shape (the same problem) is kept once. Throws
// UsageError naming the file and line of a shape the kernel does not accept, and for an
// unreadable or empty list.
std::vector<ListedShape> read_shape_list(const kernels::Family& family, const std::string& path);

// The shapes of part `shard` of the list: the k-th shape (0-based) when k mod N = i.
std::vector<ListedShape> shard_shapes(const std::vector<ListedShape>& shapes, tuner::Shard shard);

}  // namespace ktune::cli
