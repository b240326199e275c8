#include "core/problem.hpp"

#include <stdexcept>

namespace ktune {

std::optional<std::int64_t> Problem::find(std::string_view name) const {
  for (const auto& [key, value] : dims)
    if (key == name) return value;
  return std::nullopt;
}

std::int64_t Problem::dim(std::string_view name) const {
  if (auto value = find(name)) return *value;
  throw std::out_of_range("problem of " + kernel + " has no size '" + std::string(name) + "'");
}

std::string Problem::canonical() const {
  std::string text;
  for (const auto& [key, value] : dims) {
    if (!text.empty()) text += ',';
    text += key + '=' + std::to_string(value);
  }
  return text;
}

}  // namespace ktune
