#pragma once
// Splitting text: the pieces between separators, empty ones kept ("a,,b" -> "a", "", "b").
#include <string>
#include <string_view>
#include <vector>

namespace ktune {

inline std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const auto at = text.find(separator, start);
    parts.emplace_back(text.substr(start, at == std::string_view::npos ? text.npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

}  // namespace ktune
