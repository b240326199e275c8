#pragma once
// The schema's SQL, embedded into the binary from db/schema_v*.sql. Version 1 is kept because
// databases written by it exist (and the migration tests build one from it); version 2 differs
// from 3 by what the migration adds, so it is not kept.
#include <string>
#include <string_view>

namespace ktune::db {

// The SQL that creates schema `version`: 1 (migrated by copying its rows) or 4, the current one
// (2 and 3 are migrated by altering them and running the current file). Throws
// std::out_of_range for other versions.
std::string_view schema_sql(int version);

}  // namespace ktune::db
