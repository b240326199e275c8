#pragma once
// The schema's SQL, embedded into the binary from db/schema_v*.sql. Version 1 is kept because
// databases written by it exist (and the migration tests build one from it); version 2 differs
// from 3 by what the migration adds, so it is not kept.
#include <string>
#include <string_view>

namespace ktune::db {

// The SQL that creates schema `version` (1, 3 or 4; version 2 is migrated by altering it;
// 3 is kept for the migration tests, which build a schema 3 database from it). Throws
// std::out_of_range for other versions.
std::string_view schema_sql(int version);
// The whole current schema (schema 3 and what schema 4 adds).
std::string current_schema_sql();

}  // namespace ktune::db
