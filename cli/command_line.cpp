#include "cli/command_line.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "cli/output.hpp"
#include "core/utf8.hpp"

namespace ktune::cli {
namespace {}  // namespace

CommandLine::CommandLine(std::string path, std::string usage)
    : path_(std::move(path)), usage_(std::move(usage)) {}

void CommandLine::add(OptionGroup& group) {
  group.declare(options_);
  groups_.push_back(&group);
}

bool CommandLine::parse(const std::vector<std::string>& args) {
  options_.add_options()("help,h", "show this help and exit");
  try {
    po::command_line_parser parser(args);
    parser.options(options_).positional(positional_);
    po::store(parser.run(), values_);
    if (values_.count("help")) {
      std::cout << "Usage: " << usage_ << "\n\n" << options_ << "\n";
      return false;
    }
    po::notify(values_);
  } catch (const po::error& e) {
    throw UsageError(fmt::format("{}: {} (see {} --help)", path_, e.what(), path_));
  }
  for (auto* group : groups_)
    group->check(*this);
  return true;
}

bool CommandLine::given(const char* name) const {
  return values_.count(name) && !values_[name].defaulted();
}

po::typed_value<std::string>* integer_semantic(std::function<void(std::int64_t)> store,
                                               std::string flag, std::int64_t min,
                                               std::int64_t max) {
  return po::value<std::string>()->notifier([store, flag, min, max](const std::string& text) {
    const std::string range = max == std::numeric_limits<std::int64_t>::max()
                                  ? fmt::format("an integer >= {}", min)
                                  : fmt::format("an integer from {} to {}", min, max);
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || (ec != std::errc() && ec != std::errc::result_out_of_range) || ptr != end)
      throw UsageError(fmt::format("{} {}: not an integer (accepted: {})", flag, text, range));
    if (ec == std::errc::result_out_of_range || value < min || value > max)
      throw UsageError(fmt::format("{} {}: out of range (accepted: {})", flag, text, range));
    store(value);
  });
}

po::typed_value<std::string>* seed_value(std::uint64_t* target, std::string flag) {
  return po::value<std::string>()
      ->notifier([target, flag](const std::string& text) {
        std::uint64_t value = 0;
        const auto* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (text.empty() || ec != std::errc() || ptr != end)
          throw UsageError(
              fmt::format("{} {}: not a seed (accepted: an integer from 0 to 18446744073709551615)",
                          flag, text));
        *target = value;
      })
      ->default_value(std::to_string(*target));
}

po::typed_value<std::string>* real_value(double* target, std::string flag, double min,
                                         bool inclusive, NoDefault) {
  return po::value<std::string>()->notifier(
      [target, flag, min, inclusive](const std::string& text) {
        double value = 0;
        const auto* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, value);
        const std::string accepted =
            fmt::format("accepted: a number {} {}", inclusive ? ">=" : ">", shortest(min));
        if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value))
          throw UsageError(fmt::format("{} {}: not a number ({})", flag, text, accepted));
        if (inclusive ? value < min : value <= min)
          throw UsageError(fmt::format("{} {}: out of range ({})", flag, text, accepted));
        *target = value;
      });
}

po::typed_value<std::string>* real_value(double* target, std::string flag, double min,
                                         bool inclusive) {
  return real_value(target, std::move(flag), min, inclusive, no_default)
      ->default_value(shortest(*target));
}

void check_text(const std::string& text, const std::string& flag,
                const std::vector<std::string>& accepted, const std::string& what) {
  const std::string list = fmt::format("{}", fmt::join(accepted, ", "));
  if (text.empty())
    throw UsageError(fmt::format("{}: empty (accepted: {})", flag,
                                 !accepted.empty() ? list
                                 : what.empty()    ? std::string("text that is not empty")
                                                   : what));
  // Text that is stored or printed again must be readable: UTF-8, one line.
  if (const auto at = invalid_utf8_at(text))
    throw UsageError(
        fmt::format("{}: not UTF-8 text (byte {:#04x} at position {}; accepted: "
                    "UTF-8 text without control characters)",
                    flag, static_cast<unsigned char>(text[*at]), *at + 1));
  if (const auto control =
          std::find_if(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
      control != text.end())
    throw UsageError(fmt::format(
        "{} {}: a control character at position {} (accepted: text without control characters)",
        flag, printable(text.size() > 80 ? text.substr(0, 80) + "..." : text),
        control - text.begin() + 1));
  if (!accepted.empty() && std::find(accepted.begin(), accepted.end(), text) == accepted.end())
    throw UsageError(fmt::format("{} {}: unknown value (accepted: {})", flag, text, list));
}

po::typed_value<std::string>* text_value(std::string* target, std::string flag,
                                         std::vector<std::string> accepted) {
  auto* semantic =
      po::value<std::string>()->notifier([target, flag, accepted](const std::string& text) {
        check_text(text, flag, accepted);
        *target = text;
      });
  if (!target->empty()) semantic->default_value(*target);
  return semantic;
}

po::typed_value<std::string>* described_text_value(std::string* target, std::string flag,
                                                   std::string what) {
  auto* semantic =
      po::value<std::string>()->notifier([target, flag, what](const std::string& text) {
        check_text(text, flag, {}, what);
        *target = text;
      });
  if (!target->empty()) semantic->default_value(*target);
  return semantic;
}

void check_path(const std::string& path, const std::string& flag) {
  if (path.size() > kMaxPathBytes)
    throw UsageError(
        fmt::format("{}: a path of {} bytes is too long (accepted: at most {} bytes, "
                    "each name in it at most {})",
                    flag, path.size(), kMaxPathBytes, kMaxNameBytes));
  check_text(path, flag, {}, "a file's path");
  std::size_t start = 0;
  while (start < path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    if (end - start > kMaxNameBytes)
      throw UsageError(fmt::format(
          "{}: the name '{}...' in the path is {} bytes long (accepted: at most {} bytes a name)",
          flag, path.substr(start, 40), end - start, kMaxNameBytes));
    start = end + 1;
  }
}

po::typed_value<std::string>* path_value(std::string* target, std::string flag) {
  auto* semantic = po::value<std::string>()->notifier([target, flag](const std::string& text) {
    check_path(text, flag);
    *target = text;
  });
  if (!target->empty()) semantic->default_value(*target);
  return semantic;
}

}  // namespace ktune::cli
