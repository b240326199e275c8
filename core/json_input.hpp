#pragma once
// Reading JSON that comes from outside (recorded searches, exported tables): the file's bytes,
// checked as UTF-8 and parsed with a depth limit, then read field by field. Every refusal is a
// UsageError of one line that names the document, the field ("cache['16,2'].time",
// "results[3].measurements[0].value") and what is accepted there; nothing of the JSON library
// shows through.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace ktune::json_input {

using Json = nlohmann::ordered_json;  // members keep the file's order

// A document being read: `kind` and `source` begin every message ("dataset 'a.json': ...").
struct Document {
  std::string kind;
  std::string source;
  [[noreturn]] void fail(std::string_view what) const;
};

// The bytes of a file of at most `max_bytes`. Refuses a missing file, a directory, an unreadable
// or empty file and a larger one, each in its own words.
std::string read_file(const Document& document, const std::filesystem::path& path,
                      std::uintmax_t max_bytes);

// Parses `text`. Refuses text that is not UTF-8, not JSON (saying where), nested deeper than
// `max_depth`, or with a number beyond the range of a double (naming its field).
Json parse(const Document& document, std::string_view text, int max_depth = 64);

// A value of the document and where it is, for errors.
class Field {
 public:
  Field(const Document& document, const Json& value, std::string path = {})
      : document_(&document), value_(&value), path_(std::move(path)) {}

  const Json& json() const { return *value_; }
  const std::string& path() const { return path_; }  // empty for the document itself
  // "<path>: <what>" (or just <what> for the document itself).
  [[noreturn]] void fail(std::string_view what) const;

  bool has(std::string_view key) const;  // false for values other than objects
  // The member `key`: nullopt when absent; refused when this is not an object.
  std::optional<Field> find(std::string_view key) const;
  // The member `key`, refused when absent.
  Field at(std::string_view key) const;
  // The elements of an array (refused otherwise).
  std::vector<Field> elements() const;
  // The members of an object (refused otherwise), in the file's order.
  std::vector<std::pair<std::string, Field>> members() const;

  // A string (refused otherwise).
  std::string text() const;
  // A whole number (integral floats included) in [minimum, maximum], refused otherwise;
  // `accepted` completes "accepted: ..." ("a size").
  std::int64_t integer(std::int64_t minimum, std::int64_t maximum, std::string_view accepted) const;
  // A number in [minimum, maximum] (above `minimum` when `above` is set), refused otherwise.
  double number(double minimum, double maximum, bool above, std::string_view accepted) const;

  // The value as a message shows it: numbers as JSON writes them, strings quoted (shortened),
  // "an object", "an array", "null", "true"/"false".
  std::string shown() const;

 private:
  const Document* document_;
  const Json* value_;
  std::string path_;
};

// Optional members with a default: absent or null gives `otherwise`, another type is refused.
std::string text_or(const Field& object, std::string_view key, std::string otherwise);

// The whole number a JSON value holds exactly, if it holds one within int64 (integral floats
// included): for parameter values, which may be written 16 or 16.0.
std::optional<std::int64_t> exact_integer(const Json& value);

}  // namespace ktune::json_input
