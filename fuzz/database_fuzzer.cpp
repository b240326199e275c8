// Opening a corrupted database (db/sqlite, db/schema, db/store): any bytes as a results file are
// opened and read back (sessions, evaluations, devices, the integrity check), read-only as the
// queries open it and read-write as tuning and import open it (which creates or migrates the
// schema), or refused with a ktune::Error. Never a crash, never another exception.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "db/queries.hpp"
#include "db/store.hpp"
#include "fuzz/fuzz_support.hpp"

namespace {

// A directory of this process's own, in memory where the system has one.
const std::filesystem::path& work_dir() {
  static const std::filesystem::path dir = [] {
    const std::filesystem::path shm = "/dev/shm";
    const auto base =
        std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path();
    std::string pattern = (base / "ktune-fuzz-db-XXXXXX").string();
    if (!mkdtemp(pattern.data())) std::abort();
    std::atexit([] { std::filesystem::remove_all(work_dir()); });
    return std::filesystem::path(pattern);
  }();
  return dir;
}

// What `ktune query`, `db info`, `db check` and `db export` read.
void read_everything(ktune::db::Store& store) {
  namespace db = ktune::db;
  for (const auto& s : store.sessions())
    (void)store.evaluations(s.id);
  (void)db::devices(store);
  (void)db::session_summaries(store, {});
  for (const auto& kernel : db::kernel_names(store))
    for (const auto& p : db::problems(store, kernel))
      (void)db::top_configurations(store, kernel, p.problem, std::nullopt, 3);
  db::for_each_measurement(store, {}, [](const db::StoredMeasurement&) {});
  (void)db::database_info(store);
  (void)db::check_database(store);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using ktune::db::Store;
  const auto path = work_dir() / "fuzz.db";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  // Messages are not checked here: the stores' readers (db/store.cpp, db/queries.cpp) quote
  // stored text as it is (a damaged outcome 'corr\xFFct' prints its byte), which is theirs to
  // fix (docs/RELIABILITY.md, "Known gaps"); opening and SQLite's own messages are checked by
  // tests/unit/db/schema_test.cpp.
  ktune::fuzz::completes(
      [&] {
        auto store = Store::open_existing(path, Store::Access::read_only);
        read_everything(store);
      },
      false);
  ktune::fuzz::completes(
      [&] {
        auto store = Store::open_existing(path, Store::Access::read_write);
        read_everything(store);
      },
      false);
  for (const auto& entry : std::filesystem::directory_iterator(work_dir()))
    std::filesystem::remove(entry.path());
  return 0;
}
