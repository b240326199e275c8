#pragma once
// Helpers shared by subcommands: parsing with Boost.Program_options into usage errors, --help
// from the declarations, and the options most commands take (--format, --db).
#include <boost/program_options.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ktune::cli {

namespace po = boost::program_options;

enum class Format { table, json, csv };

// Parses `args` for `command`. Returns nullopt after printing help when --help was given.
// Throws UsageError ("ktune tune: unrecognised option '--x' (see ktune tune --help)").
std::optional<po::variables_map> parse(
    const std::string& command, const std::string& usage, const po::options_description& options,
    const std::vector<std::string>& args,
    const po::positional_options_description* positional = nullptr);

// Validates --format against the formats this command supports.
Format parse_format(const std::string& text, const std::vector<Format>& accepted);
std::string format_name(Format format);

// Adds --help to a description (every command has it).
void add_help(po::options_description& options);

}  // namespace ktune::cli
