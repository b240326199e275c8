#include "kernels/shape.hpp"

#include <charconv>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/utf8.hpp"

namespace ktune::kernels {
namespace {

constexpr std::size_t kMaxShapeLength = 256;

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  return text;
}

}  // namespace

void check_shape_text(std::string_view text, std::string_view syntax) {
  if (text.size() > kMaxShapeLength)
    throw UsageError(fmt::format("shape of {} characters is too long (at most {}; expected {})",
                                 text.size(), kMaxShapeLength, syntax));
  if (const auto bad = invalid_utf8_at(text))
    throw UsageError(
        fmt::format("shape is not UTF-8 text (byte 0x{:02X} at column {}; expected {})",
                    static_cast<unsigned char>(text[*bad]), *bad + 1, syntax));
}

std::int64_t parse_integer(std::string_view text, std::string_view what, std::int64_t minimum,
                           std::int64_t limit) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const char* kind = minimum > 0 ? "a positive integer" : "an integer";
  const std::string shown = printable(text);
  if (text.empty() || ec == std::errc::invalid_argument || end != text.data() + text.size())
    throw UsageError(fmt::format("{}: '{}' is not {}", what, shown, kind));
  if (ec == std::errc::result_out_of_range || value > limit)
    throw UsageError(fmt::format("{}: {} is too large (at most {})", what, shown, limit));
  if (value < minimum)
    throw UsageError(fmt::format("{}: must be at least {}, got {}", what, minimum, shown));
  return value;
}

std::int64_t parse_positive(std::string_view text, std::string_view what, std::int64_t limit) {
  return parse_integer(text, what, 1, limit);
}

std::vector<std::int64_t> parse_dims(std::string_view text, std::size_t count,
                                     std::string_view syntax) {
  check_shape_text(text, syntax);
  const std::string shown = printable(text);
  std::vector<std::int64_t> dims;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find('x', start);
    const std::string_view part =
        text.substr(start, end == std::string_view::npos ? text.npos : end - start);
    if (dims.size() == count)
      throw UsageError(fmt::format("shape '{}': too many sizes (expected {})", shown, syntax));
    dims.push_back(parse_positive(part, fmt::format("shape '{}' (expected {})", shown, syntax),
                                  std::int64_t{1} << 30));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (dims.size() != count)
    throw UsageError(fmt::format("shape '{}': expected {} sizes ({})", shown, count, syntax));
  return dims;
}

ParsedFields parse_fields(std::string_view text, std::span<const FieldSpec> fields,
                          std::string_view syntax) {
  check_shape_text(text, syntax);
  const std::string shown = printable(text);
  ParsedFields parsed;
  for (const auto& f : fields)
    parsed.values.push_back(f.default_value);
  parsed.given.assign(fields.size(), false);
  std::string names;
  for (const auto& f : fields)
    names += (names.empty() ? "" : ", ") + f.name;

  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view item = trim(text.substr(start, end - start));
    if (!item.empty() || end != text.size() || start != 0) {
      const auto eq = item.find('=');
      if (eq == std::string_view::npos)
        throw UsageError(fmt::format("shape '{}': expected key=value, found '{}' (expected {})",
                                     shown, printable(item), syntax));
      const std::string_view key = trim(item.substr(0, eq));
      std::size_t slot = fields.size();
      for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i].name == key) slot = i;
      if (slot == fields.size())
        throw UsageError(fmt::format("shape '{}': unknown key '{}' (accepted: {}; expected {})",
                                     shown, printable(key), names, syntax));
      if (parsed.given[slot])
        throw UsageError(
            fmt::format("shape '{}': key '{}' given twice (expected {})", shown, key, syntax));
      const auto& f = fields[slot];
      try {
        parsed.values[slot] =
            parse_integer(trim(item.substr(eq + 1)), fmt::format("shape '{}': {}", shown, key),
                          f.minimum, f.limit);
      } catch (const UsageError& e) {
        throw UsageError(fmt::format("{} (expected {})", e.what(), syntax));
      }
      parsed.given[slot] = true;
    }
    if (end == text.size()) break;
    start = end + 1;
  }
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i].required && !parsed.given[i])
      throw UsageError(
          fmt::format("shape '{}': missing key '{}' (expected {})", shown, fields[i].name, syntax));
  return parsed;
}

}  // namespace ktune::kernels
