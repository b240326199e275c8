#pragma once
// UTF-8 validation for text that comes from outside (command lines, files), checked before a
// parser echoes any of it in an error message: a message must stay readable text.
#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace ktune {

// The offset of the first byte that does not belong to well-formed UTF-8 (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF), or nullopt when all of `text` is well-formed.
inline std::optional<std::size_t> invalid_utf8_at(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;   // overlong
      if (lead == 0xED) high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;   // overlong
      if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if (c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xBF)) return i;
    }
    i += length;
  }
  return std::nullopt;
}

// The length of the UTF-8 sequence that starts with `lead` (1 for ASCII and for stray bytes).
inline std::size_t utf8_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

// `text` as it may appear in a one-line message: control characters (newlines, tabs, escapes,
// C1 controls) and bytes that are not well-formed UTF-8 are written as \xNN, byte by byte;
// everything else is kept.
inline std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t length = utf8_length(c);
    // A whole character, except the C1 controls U+0080..U+009F (NEL among them).
    const bool whole = length > 1 && i + length <= text.size() &&
                       !invalid_utf8_at(text.substr(i, length)) &&
                       !(c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0);
    if (whole) {
      out.append(text.substr(i, length));
      i += length;
      continue;
    }
    if (c < 0x20 || c == 0x7F || c >= 0x80) {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  return out;
}

}  // namespace ktune
