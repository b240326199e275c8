#include "cli/options.hpp"

#include <iostream>

#include <fmt/format.h>

#include "core/error.hpp"

namespace ktune::cli {

void add_help(po::options_description& options) {
  options.add_options()("help,h", "show this help and exit");
}

std::optional<po::variables_map> parse(const std::string& command, const std::string& usage,
                                       const po::options_description& options,
                                       const std::vector<std::string>& args,
                                       const po::positional_options_description* positional) {
  po::variables_map vm;
  try {
    po::command_line_parser parser(args);
    parser.options(options);
    if (positional) parser.positional(*positional);
    po::store(parser.run(), vm);
    if (vm.count("help")) {
      std::cout << "Usage: " << usage << "\n\n" << options << "\n";
      return std::nullopt;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(fmt::format("ktune {}: {} (see ktune {} --help)", command, e.what(), command));
  }
  return vm;
}

std::string format_name(Format format) {
  switch (format) {
    case Format::table:
      return "table";
    case Format::json:
      return "json";
    case Format::csv:
      return "csv";
  }
  return "table";
}

Format parse_format(const std::string& text, const std::vector<Format>& accepted) {
  std::string names;
  for (auto f : accepted) {
    if (format_name(f) == text) return f;
    names += (names.empty() ? "" : ", ") + format_name(f);
  }
  throw UsageError(fmt::format("--format {}: unknown format (accepted: {})", text, names));
}

}  // namespace ktune::cli
