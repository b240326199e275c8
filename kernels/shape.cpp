#include "kernels/shape.hpp"

#include <charconv>

#include <fmt/format.h>

#include "core/error.hpp"

namespace ktune::kernels {

std::int64_t parse_positive(std::string_view text, std::string_view what, std::int64_t limit) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec == std::errc::invalid_argument || end != text.data() + text.size())
    throw UsageError(fmt::format("{}: '{}' is not a positive integer", what, text));
  if (ec == std::errc::result_out_of_range || value > limit)
    throw UsageError(fmt::format("{}: {} is too large (at most {})", what, text, limit));
  if (value <= 0) throw UsageError(fmt::format("{}: must be at least 1, got {}", what, text));
  return value;
}

std::vector<std::int64_t> parse_dims(std::string_view text, std::size_t count,
                                     std::string_view syntax) {
  std::vector<std::int64_t> dims;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find('x', start);
    const std::string_view part =
        text.substr(start, end == std::string_view::npos ? text.npos : end - start);
    if (dims.size() == count)
      throw UsageError(fmt::format("shape '{}': too many sizes (expected {})", text, syntax));
    dims.push_back(parse_positive(part, fmt::format("shape '{}' (expected {})", text, syntax),
                                  std::int64_t{1} << 31));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (dims.size() != count)
    throw UsageError(fmt::format("shape '{}': expected {} sizes ({})", text, count, syntax));
  return dims;
}

}  // namespace ktune::kernels
