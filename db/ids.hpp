#pragma once
// Identifiers and provenance values the store fills in itself. Internal to db/.
#include <string>

#include "core/utc_time.hpp"  // now_utc(), which the store fills in too

namespace ktune::db {

std::string random_uid();  // 32 hex digits from the system's random source
std::string host_name();   // this machine's name, or "" when it has none

}  // namespace ktune::db
