#pragma once
#include <filesystem>
#include <string>

namespace ktune::db {

// The database to use: `explicit_path` if given (--db), else $KTUNE_DB, else
// $XDG_DATA_HOME/ktune/ktune.db, else ~/.local/share/ktune/ktune.db.
std::filesystem::path database_path(const std::string& explicit_path = {});

// True when the path came from neither --db nor $KTUNE_DB (ktune may create its directory).
bool is_default_location(const std::string& explicit_path = {});

}  // namespace ktune::db
