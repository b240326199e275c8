#pragma once
// Identifiers and provenance values the store fills in itself. Internal to db/.
#include <string>

namespace ktune::db {

std::string now_utc();     // "2024-05-01T12:00:00Z"
std::string random_uid();  // 32 hex digits from the system's random source
std::string host_name();   // this machine's name, or "" when it has none

}  // namespace ktune::db
