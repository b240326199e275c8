#pragma once
// One leaf command's options, declared once with Boost.Program_options and parsed into the
// variables they name; --help is printed from the same declaration. Option groups that several
// commands share (the database, the output format, the measurement settings, the kernel target,
// the space) declare their options and check their values here, so each is written once.
#include <boost/program_options.hpp>

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace ktune::cli {

namespace po = boost::program_options;

class CommandLine;

// Options several commands share, with the checks of their values.
class OptionGroup {
 public:
  virtual ~OptionGroup() = default;
  virtual void declare(po::options_description& options) = 0;
  // After parsing: throws UsageError naming the option, what was wrong and what is accepted.
  virtual void check(const CommandLine& line) { (void)line; }
};

class CommandLine {
 public:
  // `path` is the command's full name ("ktune query best"), `usage` its synopsis.
  CommandLine(std::string path, std::string usage);

  // The command's own options.
  po::options_description_easy_init options() { return options_.add_options(); }
  po::options_description& description() { return options_; }
  // Arguments without an option name fill `name` (up to `count` of them; -1: any number).
  void positional(const char* name, int count = 1) { positional_.add(name, count); }
  // A group's options join the command's; its check runs after parsing.
  void add(OptionGroup& group);

  // False when --help was asked for (and printed). Throws UsageError for anything the parser
  // rejects, and the groups' checks.
  bool parse(const std::vector<std::string>& args);

  // Given on the command line (not only defaulted).
  bool given(const char* name) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string usage_;
  po::options_description options_{"Options"};
  po::positional_options_description positional_;
  std::vector<OptionGroup*> groups_;
  po::variables_map values_;
};

// Value semantics that check what they read and say so with the option's name. Numbers are
// read strictly: "-1" is not a count, "12abc" is not a number. The default shown in --help is
// the target's value as a person writes it (0.05, not 0.050000000000000003); with `no_default`
// the option has none (the target keeps its value when the option is not given).
struct NoDefault {};
inline constexpr NoDefault no_default{};

// The core of the integer options: parses, checks [min, max], hands the value to `store`.
po::typed_value<std::string>* integer_semantic(std::function<void(std::int64_t)> store,
                                               std::string flag, std::int64_t min,
                                               std::int64_t max);
// An integer in [min, max], without a default.
template <std::integral T>
po::typed_value<std::string>* integer_value(T* target, std::string flag, T min, T max, NoDefault) {
  const auto top = static_cast<std::int64_t>(std::min<std::uint64_t>(
      static_cast<std::uint64_t>(max), std::numeric_limits<std::int64_t>::max()));
  return integer_semantic([target](std::int64_t v) { *target = static_cast<T>(v); },
                          std::move(flag), static_cast<std::int64_t>(min), top);
}
// An integer in [min, max], defaulting to the target's value.
template <std::integral T>
po::typed_value<std::string>* integer_value(T* target, std::string flag, T min,
                                            T max = std::numeric_limits<T>::max()) {
  return integer_value(target, std::move(flag), min, max, no_default)
      ->default_value(std::to_string(*target));
}
// Seeds: any 64-bit unsigned integer; defaults to the target's value.
po::typed_value<std::string>* seed_value(std::uint64_t* target, std::string flag);
// A number > min (>= min with `inclusive`).
po::typed_value<std::string>* real_value(double* target, std::string flag, double min,
                                         bool inclusive = false);
po::typed_value<std::string>* real_value(double* target, std::string flag, double min,
                                         bool inclusive, NoDefault);
// Throws UsageError unless `text` is not empty, UTF-8 without control characters and (with
// `accepted`) one of those values. `what` says what free text is accepted (e.g. "sizes
// separated by commas") in the error for an empty value.
void check_text(const std::string& text, const std::string& flag,
                const std::vector<std::string>& accepted = {}, const std::string& what = {});
// Text that must not be empty; with `accepted`, one of those values.
po::typed_value<std::string>* text_value(std::string* target, std::string flag,
                                         std::vector<std::string> accepted = {});
// Free text that must not be empty, `what` saying what is accepted.
po::typed_value<std::string>* described_text_value(std::string* target, std::string flag,
                                                   std::string what);
// Linux's limits on a path and on each name in it (PATH_MAX less the final NUL, NAME_MAX).
inline constexpr std::size_t kMaxPathBytes = 4095;
inline constexpr std::size_t kMaxNameBytes = 255;
// Throws UsageError unless `path` is text as check_text accepts it, within those limits.
void check_path(const std::string& path, const std::string& flag);
// A file's path, checked by check_path.
po::typed_value<std::string>* path_value(std::string* target, std::string flag);

// Runs `f`; a UsageError from a lower layer (which says what is wrong in its own terms, e.g.
// "BM=48: not a value of BM ...") is said again with the option in front ("--set BM=48: ...").
template <typename F>
decltype(auto) for_option(std::string_view flag, F&& f);

}  // namespace ktune::cli

#include "core/error.hpp"

template <typename F>
decltype(auto) ktune::cli::for_option(std::string_view flag, F&& f) {
  try {
    return f();
  } catch (const UsageError& e) {
    throw UsageError(std::string(flag) + " " + e.what());
  }
}
