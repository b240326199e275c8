#pragma once
// `ktune tune KERNEL --shapes FILE`: the list of shapes an application runs, one a line (as
// --shape takes it; blank lines and # comments skipped), each checked against the kernel; or
// `--shapes session:ID`: the list a stored session's run tuned (every session of a list run
// stores the whole list in its settings, under kShapeListSetting), else that session's shape.
// With --shard i/N, the list is split (shape k goes to part k mod N) instead of the space.
#include <optional>
#include <string>
#include <vector>

#include "core/problem.hpp"
#include "db/store.hpp"
#include "kernels/family.hpp"
#include "tuner/shard.hpp"

namespace ktune::cli {

struct ListedShape {
  std::size_t line = 0;  // 1-based line in the file (position in a stored list)
  std::string text;      // as written (trimmed)
  Problem problem;
};

// Every shape of `path`, in order; a repeated shape (the same problem) is kept once. Throws
// UsageError naming the file and line of a shape the kernel does not accept, and for an
// unreadable or empty list.
std::vector<ListedShape> read_shape_list(const kernels::Family& family, const std::string& path);

// The shapes session `id` of `store` ran: the list stored with it, else its own shape. Throws
// UsageError for a session that is not there or tuned another kernel (`option` names the
// option in the messages, e.g. "--shapes session:7").
std::vector<ListedShape> stored_shape_list(const kernels::Family& family, const db::Store& store,
                                           std::int64_t id, const std::string& option);

// The session setting that holds a list run's whole list (before --shard), and its value:
// the shapes' canonical texts joined by ';'.
inline constexpr const char* kShapeListSetting = "shape_list";
std::string shape_list_setting(const std::vector<ListedShape>& shapes);

// The shapes of part `shard` of the list: the k-th shape (0-based) when k mod N = i.
std::vector<ListedShape> shard_shapes(const std::vector<ListedShape>& shapes, tuner::Shard shard);

}  // namespace ktune::cli
