#pragma once
// How commands open the results database named by --db (else $KTUNE_DB, else the XDG
// location), say where a migration's backup went, and find the stored device --device names.
#include <string>

#include "cli/option_groups.hpp"
#include "db/queries.hpp"
#include "db/store.hpp"

namespace ktune::cli {

// A database that must exist (queries, exports): read-write when the file is writable (an older
// schema is then migrated), else read-only.
db::Store open_results(const DatabaseOption& database);
// A database to write into, created if missing (with the default location's directories).
db::Store open_for_writing(const DatabaseOption& database);
// The file --db names (else $KTUNE_DB, else the XDG location).
std::string database_path(const DatabaseOption& database);

// The stored device a --device selector names (see db::find_devices); UsageError when none or
// several match, listing them.
db::StoredDevice resolve_device(const db::Store& store, const std::string& selector);

}  // namespace ktune::cli
