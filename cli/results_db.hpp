#pragma once
// What the commands that read the results database share (query, import, db): opening it for
// reading, naming a stored device, reading a shape for a built-in or an imported kernel, the
// family knowledge the lookup needs, and CSV cells.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/problem.hpp"
#include "db/lookup.hpp"
#include "db/queries.hpp"
#include "db/store.hpp"

namespace ktune::cli {

// The database from --db (else $KTUNE_DB, else the XDG location); it must exist. Opened
// read-write when the file is writable (an older schema is then migrated), else read-only.
db::Store open_results(const std::string& db_option);

// Says on stderr where the backup went when opening migrated an older database.
void note_migration(const db::Store& store);

// The stored device a --device selector names (see db::find_devices); UsageError when none or
// several match, listing them.
db::StoredDevice resolve_device(const db::Store& store, const std::string& selector);

// A --shape for `kernel`: a built-in family's own syntax (1024x1024x1024) or NAME=SIZE,...; for
// an imported kernel, NAME=SIZE,... or sizes joined by 'x' in the order of its stored problems.
Problem parse_problem(const db::Store& store, const std::string& kernel, const std::string& shape,
                      const std::string& dtype);

// FLOPs of `problem` when `kernel` is a built-in family.
std::optional<double> family_flops(const std::string& kernel, const Problem& problem);

// One CSV field (RFC 4180: quoted when it holds a comma, quote or line break), and one line.
std::string csv_field(std::string_view text);
std::string csv_line(const std::vector<std::string>& fields);

// "1.2345" or "" for a missing number.
std::string number(std::optional<double> value, int decimals = 4);

}  // namespace ktune::cli
