#include "core/json_input.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/utf8.hpp"

namespace ktune::json_input {
namespace {

// "cache" + "16,2" -> "cache['16,2']"; "results[3]" + "time" -> "results[3].time".
std::string member_path(const std::string& parent, std::string_view key) {
  const bool plain =
      !key.empty() && key.size() <= 40 &&
      (std::isalpha(static_cast<unsigned char>(key.front())) || key.front() == '_') &&
      std::all_of(key.begin(), key.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '/';
      });
  if (plain) return parent.empty() ? std::string(key) : parent + "." + std::string(key);
  std::string shown = printable(key.substr(0, 40));
  if (key.size() > 40) shown += "...";
  return fmt::format("{}['{}']", parent, shown);
}

std::string element_path(const std::string& parent, std::size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

// Builds the document as nlohmann's own DOM parser does, and also knows where it is, so that a
// number out of range or nesting too deep is refused naming its field.
class Builder {
 public:
  Builder(Json& root, int max_depth) : root_(root), max_depth_(max_depth) {}

  bool null() { return put(Json(nullptr)); }
  bool boolean(bool value) { return put(Json(value)); }
  bool number_integer(Json::number_integer_t value) { return put(Json(value)); }
  bool number_unsigned(Json::number_unsigned_t value) { return put(Json(value)); }
  bool number_float(Json::number_float_t value, const Json::string_t&) { return put(Json(value)); }
  bool string(Json::string_t& value) { return put(Json(std::move(value))); }
  bool binary(Json::binary_t&) { return false; }  // the text parser never produces one
  bool start_object(std::size_t) { return open(Json::object()); }
  bool key(Json::string_t& key) {
    levels_.back().key = std::move(key);
    return true;
  }
  bool end_object() {
    levels_.pop_back();
    return true;
  }
  bool start_array(std::size_t) { return open(Json::array()); }
  bool end_array() {
    levels_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string& token, const Json::exception& e) {
    if (e.id == 406) {  // out_of_range.406: a number beyond a double
      error_ =
          fmt::format("{}{}the number {} is out of range (numbers are at most 1.8e308 in size)",
                      where(), where().empty() ? "" : ": ", printable(token));
      return false;
    }
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..."
    std::string_view what = e.what();
    if (const auto bracket = what.find("] "); bracket != std::string_view::npos)
      what.remove_prefix(bracket + 2);
    error_ = fmt::format("not JSON ({})", printable(what));
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  struct Level {
    Json* container;
    std::string key;  // the member being read, in an object
  };

  // The path of the value being read.
  std::string where() const {
    std::string path;
    for (std::size_t i = 0; i < levels_.size(); ++i) {
      const Json& c = *levels_[i].container;
      if (c.is_object()) {
        path = member_path(path, levels_[i].key);
      } else {
        // Below the innermost level the value being read is the last element already added.
        const std::size_t index = i + 1 < levels_.size() ? c.size() - 1 : c.size();
        path = element_path(path, index);
      }
    }
    return path;
  }

  Json* insert(Json value) {
    if (levels_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Level& top = levels_.back();
    if (top.container->is_array()) {
      top.container->push_back(std::move(value));
      return &top.container->back();
    }
    Json& slot = (*top.container)[top.key];
    slot = std::move(value);
    return &slot;
  }
  bool put(Json value) {
    insert(std::move(value));
    return true;
  }
  bool open(Json value) {
    if (static_cast<int>(levels_.size()) >= max_depth_) {
      const auto path = where();
      error_ = fmt::format("nested too deep{} (at most {} levels of arrays and objects)",
                           path.empty() ? "" : " at " + path, max_depth_);
      return false;
    }
    levels_.push_back({insert(std::move(value)), {}});
    return true;
  }

  Json& root_;
  int max_depth_;
  std::vector<Level> levels_;
  std::string error_;
};

std::string describe(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::null:
      return "null";
    case Json::value_t::string: {
      const auto& s = value.get_ref<const std::string&>();
      std::string shown = printable(std::string_view(s).substr(0, 40));
      return "\"" + shown + (s.size() > 40 ? "...\"" : "\"");
    }
    default:
      return value.dump();
  }
}

}  // namespace

void Document::fail(std::string_view what) const {
  throw UsageError(fmt::format("{} '{}': {}", kind, printable(source), what));
}

std::string read_file(const Document& document, const std::filesystem::path& path,
                      std::uintmax_t max_bytes) {
  if (path.native().size() > 4095)
    throw UsageError(fmt::format("{} path of {} bytes is too long (accepted: at most 4095 bytes)",
                                 document.kind, path.native().size()));
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error && error != std::errc::no_such_file_or_directory)
    document.fail(fmt::format("cannot be read ({})", error.message()));
  if (!std::filesystem::exists(status)) document.fail("no such file");
  if (std::filesystem::is_directory(status)) document.fail("is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) document.fail(fmt::format("cannot be read ({})", std::strerror(errno)));
  std::string bytes;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    bytes.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (bytes.size() > max_bytes)
      document.fail(fmt::format("is larger than {} MiB, more than ktune reads", max_bytes >> 20));
  }
  if (in.bad()) document.fail(fmt::format("cannot be read ({})", std::strerror(errno)));
  if (bytes.empty()) document.fail("is empty");
  return bytes;
}

Json parse(const Document& document, std::string_view text, int max_depth) {
  if (const auto bad = invalid_utf8_at(text)) {
    const auto line = static_cast<std::size_t>(std::count(text.begin(), text.begin() + *bad, '\n'));
    document.fail(fmt::format("is not UTF-8 text (byte 0x{:02X} at line {}, offset {})",
                              static_cast<unsigned char>(text[*bad]), line + 1, *bad));
  }
  Json root;
  Builder builder(root, max_depth);
  if (!Json::sax_parse(text.begin(), text.end(), &builder)) document.fail(builder.error());
  return root;
}

void Field::fail(std::string_view what) const {
  if (path_.empty()) document_->fail(what);
  document_->fail(fmt::format("{}: {}", path_, what));
}

bool Field::has(std::string_view key) const {
  return value_->is_object() && value_->contains(key);
}

std::optional<Field> Field::find(std::string_view key) const {
  if (!value_->is_object()) fail(fmt::format("expected an object, found {}", shown()));
  const auto it = value_->find(key);
  if (it == value_->end()) return std::nullopt;
  return Field(*document_, *it, member_path(path_, key));
}

Field Field::at(std::string_view key) const {
  auto member = find(key);
  if (!member) fail(fmt::format("has no '{}'", key));
  return *member;
}

std::vector<Field> Field::elements() const {
  if (!value_->is_array()) fail(fmt::format("expected an array, found {}", shown()));
  std::vector<Field> elements;
  elements.reserve(value_->size());
  for (std::size_t i = 0; i < value_->size(); ++i)
    elements.emplace_back(*document_, (*value_)[i], element_path(path_, i));
  return elements;
}

std::vector<std::pair<std::string, Field>> Field::members() const {
  if (!value_->is_object()) fail(fmt::format("expected an object, found {}", shown()));
  std::vector<std::pair<std::string, Field>> members;
  members.reserve(value_->size());
  for (const auto& [key, value] : value_->items())
    members.emplace_back(key, Field(*document_, value, member_path(path_, key)));
  return members;
}

std::string Field::text() const {
  if (!value_->is_string()) fail(fmt::format("{} is not text", shown()));
  return value_->get<std::string>();
}

std::int64_t Field::integer(std::int64_t minimum, std::int64_t maximum,
                            std::string_view accepted) const {
  const auto value = exact_integer(*value_);
  if (!value || *value < minimum || *value > maximum)
    fail(fmt::format("{} is not {}", shown(), accepted));
  return *value;
}

double Field::number(double minimum, double maximum, bool above, std::string_view accepted) const {
  if (!value_->is_number()) fail(fmt::format("{} is not {}", shown(), accepted));
  const double value = value_->get<double>();
  const bool low = above ? !(value > minimum) : !(value >= minimum);
  if (low || !(value <= maximum)) fail(fmt::format("{} is not {}", shown(), accepted));
  return value;
}

std::string Field::shown() const {
  return describe(*value_);
}

std::string text_or(const Field& object, std::string_view key, std::string otherwise) {
  const auto member = object.find(key);
  if (!member || member->json().is_null()) return otherwise;
  return member->text();
}

std::optional<std::int64_t> exact_integer(const Json& value) {
  if (value.is_number_unsigned()) {
    const auto u = value.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_number_float()) {
    const double d = value.get<double>();
    // [-2^63, 2^63): exactly the doubles that convert to int64 without overflow.
    if (std::isfinite(d) && std::floor(d) == d && d >= -9223372036854775808.0 &&
        d < 9223372036854775808.0)
      return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

}  // namespace ktune::json_input
