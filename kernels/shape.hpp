#pragma once
// Parsing of shape texts shared by families: "MxNxK" and "key=value,..." lists.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ktune::kernels {

// Refuses a shape text longer than 256 characters or not UTF-8 (UsageError ending with `syntax`);
// parse_dims and parse_fields check their text so, parsers check the whole text first.
void check_shape_text(std::string_view text, std::string_view syntax);

// Parses `count` positive integers separated by 'x' ("256x256x256"). Throws UsageError naming the
// bad part and `syntax`.
std::vector<std::int64_t> parse_dims(std::string_view text, std::size_t count,
                                     std::string_view syntax);

// Parses one decimal integer in [minimum, limit]; `what` names it in errors.
std::int64_t parse_integer(std::string_view text, std::string_view what, std::int64_t minimum,
                           std::int64_t limit);
// Parses one positive decimal integer no larger than `limit`; `what` names it in errors.
std::int64_t parse_positive(std::string_view text, std::string_view what, std::int64_t limit);

// One key of a "key=value,..." shape.
struct FieldSpec {
  std::string name;
  std::int64_t default_value = 0;
  std::int64_t minimum = 1;
  std::int64_t limit = std::int64_t{1} << 30;
  bool required = false;
};

struct ParsedFields {
  std::vector<std::int64_t> values;  // in the order of the specs
  std::vector<bool> given;           // whether the text named the field
};

// Parses "key=value,key=value" (spaces around items are ignored; an empty text gives every
// default). Throws UsageError for an unknown or repeated key (listing the accepted keys), an item
// without '=', a value out of range or a missing required key; every message ends with `syntax`.
ParsedFields parse_fields(std::string_view text, std::span<const FieldSpec> fields,
                          std::string_view syntax);

}  // namespace ktune::kernels
