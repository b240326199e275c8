#include "db/paths.hpp"

#include <cstdlib>

#include "core/error.hpp"

namespace ktune::db {
namespace {
std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}
}  // namespace

bool is_default_location(const std::string& explicit_path) {
  return explicit_path.empty() && env("KTUNE_DB").empty();
}

std::filesystem::path database_path(const std::string& explicit_path) {
  if (!explicit_path.empty()) return explicit_path;
  if (auto path = env("KTUNE_DB"); !path.empty()) return path;
  if (auto data = env("XDG_DATA_HOME"); !data.empty())
    return std::filesystem::path(data) / "ktune" / "ktune.db";
  if (auto home = env("HOME"); !home.empty())
    return std::filesystem::path(home) / ".local" / "share" / "ktune" / "ktune.db";
  throw Error("no database path: none was given, and KTUNE_DB, XDG_DATA_HOME and HOME are unset");
}

}  // namespace ktune::db
