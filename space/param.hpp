#pragma once
// A typed tunable parameter: integers, booleans, or a choice among named alternatives. Values are
// int64 everywhere (a boolean is 0/1, a choice is the index of its label), so constraints and
// strategies do arithmetic on them; labels only matter for reading and writing.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ktune {

struct Param {
  enum class Kind { integer, boolean, choice };

  std::string name;
  Kind kind = Kind::integer;
  std::vector<std::int64_t> values;  // allowed values, in the order strategies walk them
  std::vector<std::string> labels;   // choice only: labels[v] names value v
  std::int64_t default_value = 0;
  std::string doc;

  static Param integer(std::string name, std::vector<std::int64_t> values,
                       std::int64_t default_value, std::string doc = {});
  static Param boolean(std::string name, bool default_value, std::string doc = {});
  static Param choice(std::string name, std::vector<std::string> labels,
                      std::string_view default_label, std::string doc = {});

  std::string format(std::int64_t value) const;
  // Accepts a value's text ("64", "1", "true", a label); nullopt if it is not an allowed value.
  std::optional<std::int64_t> parse(std::string_view text) const;
  std::string accepted_values() const;                            // "16, 32, 64" for error messages
  std::optional<std::size_t> position(std::int64_t value) const;  // index within `values`
};

}  // namespace ktune
