#pragma once
// Parsing of shape texts shared by families: "MxNxK" and "key=value,..." lists.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ktune::kernels {

// Parses `count` positive integers separated by 'x' ("256x256x256"). Throws UsageError naming the
// bad part and `syntax`.
std::vector<std::int64_t> parse_dims(std::string_view text, std::size_t count,
                                     std::string_view syntax);

// Parses one positive decimal integer no larger than `limit`; `what` names it in errors.
std::int64_t parse_positive(std::string_view text, std::string_view what, std::int64_t limit);

}  // namespace ktune::kernels
