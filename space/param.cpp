#include "space/param.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

namespace ktune {

Param Param::integer(std::string name, std::vector<std::int64_t> values, std::int64_t default_value,
                     std::string doc) {
  if (values.empty()) throw std::invalid_argument("parameter " + name + " has no values");
  if (std::find(values.begin(), values.end(), default_value) == values.end())
    throw std::invalid_argument("default of parameter " + name + " is not one of its values");
  return Param{std::move(name), Kind::integer, std::move(values), {},
               default_value,   std::move(doc)};
}

Param Param::boolean(std::string name, bool default_value, std::string doc) {
  return Param{std::move(name), Kind::boolean, {0, 1}, {}, default_value ? 1 : 0, std::move(doc)};
}

Param Param::choice(std::string name, std::vector<std::string> labels,
                    std::string_view default_label, std::string doc) {
  auto it = std::find(labels.begin(), labels.end(), default_label);
  if (it == labels.end())
    throw std::invalid_argument("default of parameter " + name + " is not one of its labels");
  std::vector<std::int64_t> values(labels.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<std::int64_t>(i);
  const auto def = static_cast<std::int64_t>(it - labels.begin());
  return Param{std::move(name),   Kind::choice, std::move(values),
               std::move(labels), def,          std::move(doc)};
}

std::string Param::format(std::int64_t value) const {
  if (kind == Kind::choice && value >= 0 && static_cast<std::size_t>(value) < labels.size())
    return labels[static_cast<std::size_t>(value)];
  return std::to_string(value);
}

std::optional<std::int64_t> Param::parse(std::string_view text) const {
  std::optional<std::int64_t> value;
  if (kind == Kind::choice) {
    for (std::size_t i = 0; i < labels.size(); ++i)
      if (labels[i] == text) value = static_cast<std::int64_t>(i);
  } else if (kind == Kind::boolean && (text == "true" || text == "false")) {
    value = text == "true" ? 1 : 0;
  }
  if (!value) {
    std::int64_t number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec == std::errc{} && end == text.data() + text.size()) value = number;
  }
  if (value && position(*value)) return value;
  return std::nullopt;
}

std::string Param::accepted_values() const {
  std::string text;
  for (auto v : values) {
    if (!text.empty()) text += ", ";
    text += format(v);
  }
  return text;
}

std::optional<std::size_t> Param::position(std::int64_t value) const {
  auto it = std::find(values.begin(), values.end(), value);
  if (it == values.end()) return std::nullopt;
  return static_cast<std::size_t>(it - values.begin());
}

}  // namespace ktune
