#include "cli/database_access.hpp"

#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/utf8.hpp"
#include "db/paths.hpp"

namespace ktune::cli {
namespace {

void note_migration(const db::Store& store) {
  if (!store.migration_backup().empty())
    std::cerr << fmt::format("ktune: migrated '{}' to schema {}; the old file is kept as '{}'\n",
                             store.path(), db::Store::kSchemaVersion, store.migration_backup());
}

std::string describe(const db::StoredDevice& d) {
  std::string text = fmt::format("{} {}", d.id, d.info.name);
  std::vector<std::string> details;
  if (!d.info.architecture.empty()) details.push_back(d.info.architecture);
  if (!d.info.driver_version.empty()) details.push_back("driver " + d.info.driver_version);
  if (!d.info.runtime_version.empty()) details.push_back("runtime " + d.info.runtime_version);
  if (!details.empty()) text += " (" + fmt::format("{}", fmt::join(details, ", ")) + ")";
  return text;
}

std::string describe_all(const std::vector<db::StoredDevice>& devices) {
  std::vector<std::string> parts;
  for (const auto& d : devices)
    parts.push_back(describe(d));
  return fmt::format("{}", fmt::join(parts, "; "));
}

}  // namespace

std::string database_path(const DatabaseOption& database) {
  return db::database_path(database.path).string();
}

db::Store open_results(const DatabaseOption& database) {
  const auto path = db::database_path(database.path);
  if (const auto why = db::unusable_database_path(path, true))
    throw Error(fmt::format(
        "no results database at '{}': {} (ktune tune and ktune import create one; --db FILE or "
        "$KTUNE_DB choose another)",
        printable(path.string()), *why));
  const bool writable = ::access(path.c_str(), W_OK) == 0;
  auto store = db::Store::open_existing(
      path, writable ? db::Store::Access::read_write : db::Store::Access::read_only);
  note_migration(store);
  return store;
}

db::Store open_for_writing(const DatabaseOption& database) {
  auto store =
      db::Store::open(db::database_path(database.path), db::is_default_location(database.path));
  note_migration(store);
  return store;
}

db::StoredDevice resolve_device(const db::Store& store, const std::string& selector) {
  const auto found = for_option("--device", [&] { return db::find_devices(store, selector); });
  if (found.size() == 1) return found.front();
  if (found.empty()) {
    const auto all = db::devices(store, false);
    throw UsageError(fmt::format("--device {}: no stored device matches (stored: {})", selector,
                                 all.empty() ? "none" : describe_all(all)));
  }
  throw UsageError(
      fmt::format("--device {}: {} stored devices match ({}); give an id, or narrow it with "
                  "name=...,driver=...,runtime=...",
                  selector, found.size(), describe_all(found)));
}

}  // namespace ktune::cli
