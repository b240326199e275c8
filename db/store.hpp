#pragma once
// The results store: the only code that speaks SQL. One transaction per evaluation, so a crash
// loses at most the evaluation in flight; WAL and a busy timeout, so several processes can write
// into one database at once. The schema (db/schema_v2.sql, docs/DATABASE.md) is versioned with
// PRAGMA user_version; older databases are migrated after a backup copy is made. A Store is one
// connection: use it from one thread at a time (open one per thread; they may share the file).
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/device_info.hpp"
#include "core/evaluation.hpp"
#include "core/problem.hpp"
#include "core/recorded_dataset.hpp"
#include "db/records.hpp"

namespace ktune::db {

// What stands in the way of opening `path` as a database file, if anything: a directory,
// something that is not a regular file (a device, a pipe), a symlink loop, a name too long, a
// directory that cannot be entered, or (with `must_exist`) nothing there.
std::optional<std::string> unusable_database_path(const std::filesystem::path& path,
                                                  bool must_exist);

class Connection;
class StatementCache;

struct SessionRecord {
  std::string kernel;
  Problem problem;
  DeviceInfo device;
  std::string strategy;
  std::uint64_t seed = 0;
  std::string tool_version;

  // Provenance added in schema 2; every field may stay empty.
  std::string variant{};      // variant within the kernel ("" = the only one)
  std::string source_hash{};  // hash of the kernel source (see db::hash_text)
  std::optional<std::uint64_t> budget_evaluations{};
  std::optional<double> budget_seconds{};
  std::optional<std::uint64_t> space_size{};      // valid configurations of the space
  std::map<std::string, std::string> settings{};  // measurement settings, --set, --restrict
  std::string command{};                          // the command line
  std::string host{};                             // empty: this machine's host name
};

// Optional data recorded with an evaluation, beyond the Evaluation itself.
struct RecordExtras {
  // Typed values in the space's parameter order. Empty: parsed from the canonical text
  // (integers stay integers, anything else is kept as text).
  std::vector<ParamValue> params{};
  std::optional<CpuBaseline> baseline{};
  // In a search on several devices, the index of the one that measured it (measurement_devices).
  std::optional<int> device_index{};
};

// One finalist of a session's interleaved re-measurement (best first when recorded).
struct FinalistRecord {
  std::string config;              // canonical text
  std::vector<ParamValue> params;  // typed values (empty: parsed from the text)
  std::vector<double> samples_ms;
  Summary time;
};

// Options of an import; empty fields take the file's own values.
struct ImportOptions {
  std::string device_name;  // required when the file names no device (T4 files)
  std::string kernel;       // the kernel's name; required when the file names none
  std::vector<std::pair<std::string, std::int64_t>> dims;  // the problem; default: problem_size
  std::string dtype = "f32";
  std::string backend = "recorded";
  std::string architecture;
  std::string tool_version;
};

struct ImportSummary {
  std::int64_t session = 0;
  bool already_imported = false;  // the same data was imported before: nothing was written
  std::size_t measurements = 0;
  std::size_t correct = 0;
  std::map<std::string, std::size_t> failures;  // outcome -> count
  std::string kernel;
  std::string problem;
  std::string device;
};

class Store {
 public:
  enum class Access { read_write, read_only };

  // Opens (creating if needed) and brings the schema up to date. Throws ktune::Error with the
  // path and the reason: unwritable location, not a database, made by a newer ktune.
  static Store open(const std::filesystem::path& path, bool create_directories = false);
  // Opens a database that must exist (queries, exports). Read-write access migrates an older
  // schema; read-only access cannot and says so.
  static Store open_existing(const std::filesystem::path& path, Access access = Access::read_write);
  static Store open_in_memory();

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  static constexpr int kSchemaVersion = 4;
  // PRAGMA application_id of a ktune database ("ktun"), set since schema 3.
  static constexpr std::int32_t kApplicationId = 0x6b74756e;
  int schema_version() const;
  const std::string& path() const;
  bool read_only() const;
  // Where the copy made before migrating an older schema went; empty when nothing was migrated.
  const std::string& migration_backup() const { return migration_backup_; }

  std::int64_t begin_session(const SessionRecord& session);
  void record(std::int64_t session, const std::string& config, const Evaluation& evaluation);
  void record(std::int64_t session, const std::string& config, const Evaluation& evaluation,
              const RecordExtras& extras);
  // The session's finalists, winner first. When they were re-measured, they rank by their fresh
  // medians and every other configuration of the session after them (measurements.rank_ms), so
  // the best configuration of the database is the one the tune reported.
  void record_finalists(std::int64_t session, const std::vector<FinalistRecord>& finalists,
                        bool remeasured);
  // `stop`: why the search stopped, stored with it (none: not a search, or it failed).
  void end_session(std::int64_t session, SessionStatus status,
                   std::optional<StopReason> stop = std::nullopt);

  std::int64_t count_evaluations(std::int64_t session) const;

  std::optional<StoredSession> session(std::int64_t id) const;
  std::vector<StoredSession> sessions() const;  // oldest first
  // A session's measurements in the order they were recorded.
  std::vector<StoredMeasurement> evaluations(std::int64_t session) const;
  std::optional<StoredMeasurement> measurement(std::int64_t id) const;
  // Marks a stored session as running again (resuming it).
  void reopen_session(std::int64_t session);

  // Stores a recorded search (Kernel Tuner or T4 file) as one session of measurements, failures
  // included, in one transaction. Importing the same data again writes nothing.
  ImportSummary import_dataset(const RecordedDataset& dataset, const ImportOptions& options);

  // For the other db/ modules (queries, lookup, merge): the connection and its statement cache.
  Connection& connection() const { return *connection_; }
  StatementCache& statements() const { return *statements_; }

 private:
  struct SessionRow;      // a session as inserted (store.cpp)
  struct MeasurementRow;  // a measurement as inserted (store.cpp)
  explicit Store(std::unique_ptr<Connection> connection);
  void prepare_schema();
  void create_schema();
  void migrate_from_v1();
  void migrate_in_place(int from);  // schema 2 or 3
  std::int64_t insert_session(const SessionRow& row);
  std::int64_t insert_measurement(const MeasurementRow& row);

  std::unique_ptr<Connection> connection_;
  std::unique_ptr<StatementCache> statements_;
  std::string migration_backup_;
  bool create_if_empty_ = true;  // open() gives an empty file the schema; open_existing() not
};

// A short stable hash of a text (64-bit FNV-1a, hex): kernel sources, imported data.
std::string hash_text(std::string_view text);

// Parses a canonical configuration "TS=16,WPT=4" into typed values (integers where the text is
// one, else text). Throws ktune::UsageError for text that is not NAME=VALUE,...
std::vector<ParamValue> parse_canonical(std::string_view canonical);

// Parses a canonical shape "m=256,n=256,k=256" into named sizes: names of letters, digits and
// '_', each once, sizes of 0 or more, at most 1024 characters of UTF-8 ("" is no sizes). Throws
// ktune::UsageError saying what is wrong.
std::vector<std::pair<std::string, std::int64_t>> parse_shape_text(std::string_view shape);

}  // namespace ktune::db
