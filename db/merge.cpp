#include "db/merge.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "db/ids.hpp"
#include "db/sqlite.hpp"

namespace ktune::db {
namespace {

constexpr std::string_view kDeviceColumns =
    "fingerprint, backend, name, vendor, architecture, compute_units, global_memory_bytes, "
    "max_allocation_bytes, shared_memory_per_block, shared_memory_per_block_optin, l2_bytes, "
    "max_threads_per_block, max_block_dim_x, max_block_dim_y, max_block_dim_z, warp_size, "
    "clock_mhz, peak_bandwidth_gbs, peak_gflops_fp32, driver_version, runtime_version, first_seen";

constexpr std::string_view kMeasurementColumns =
    "outcome, message, runs, samples_ms, median_ms, ci_low_ms, ci_high_ms, mean_ms, stddev_ms, "
    "min_ms, max_ms, compile_ms, max_error, cost_ms, registers, shared_bytes, stack_bytes, "
    "spill_store_bytes, spill_load_bytes, const_bytes, theoretical_occupancy, occupancy_limiter, "
    "cpu_baseline, cpu_baseline_ms, created_at, rank_ms";

std::string prefixed(std::string_view columns, std::string_view prefix) {
  std::string out;
  std::size_t start = 0;
  while (start < columns.size()) {
    auto comma = columns.find(',', start);
    if (comma == std::string_view::npos) comma = columns.size();
    auto name = columns.substr(start, comma - start);
    while (!name.empty() && name.front() == ' ')
      name.remove_prefix(1);
    if (!out.empty()) out += ", ";
    out += std::string(prefix) + std::string(name);
    start = comma + 1;
  }
  return out;
}

std::int64_t scalar(const Connection& c, const std::string& sql) {
  Statement s(c, sql);
  s.step();
  return s.integer(0);
}

// Removes a temporary file (and what SQLite and a migration left beside it) when it goes.
class TemporaryDatabase {
 public:
  TemporaryDatabase()
      : path_(std::filesystem::temp_directory_path() / ("ktune-merge-" + random_uid() + ".db")) {}
  TemporaryDatabase(const TemporaryDatabase&) = delete;
  TemporaryDatabase& operator=(const TemporaryDatabase&) = delete;
  ~TemporaryDatabase() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", ".v1-backup", ".v2-backup"})
      std::filesystem::remove(path_.string() + suffix, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Schema 4's comparisons with the host: CPU baselines (matched by everything measured: they have
// no other key), the sessions' links to them and their copies, and crossover sweeps (matched by
// kernel, device, host, time and result). Needs the caller's merge_problem, merge_device and
// merge_session maps; a session that has its link or a copy already keeps it.
void merge_host_comparisons(Connection& c) {
  c.execute(
      "INSERT INTO main.cpu_baselines (problem_id, host, method, library, libraries, threads, "
      "  runs, samples_ms, median_ms, ci_low_ms, ci_high_ms, gflops, tool_version, created_at) "
      "SELECT mp.dst, b.host, b.method, b.library, b.libraries, b.threads, b.runs, b.samples_ms, "
      "  b.median_ms, b.ci_low_ms, b.ci_high_ms, b.gflops, b.tool_version, b.created_at "
      "FROM src.cpu_baselines b JOIN merge_problem mp ON mp.src = b.problem_id "
      "WHERE NOT EXISTS (SELECT 1 FROM main.cpu_baselines d WHERE d.problem_id = mp.dst "
      "  AND d.host = b.host AND d.threads = b.threads AND d.libraries = b.libraries "
      "  AND d.method = b.method AND d.library = b.library AND d.samples_ms = b.samples_ms "
      "  AND d.created_at = b.created_at) ORDER BY b.id;"
      "CREATE TEMP TABLE merge_baseline (src INTEGER PRIMARY KEY, dst INTEGER NOT NULL);"
      "INSERT INTO merge_baseline SELECT b.id, MIN(d.id) FROM src.cpu_baselines b "
      "  JOIN merge_problem mp ON mp.src = b.problem_id JOIN main.cpu_baselines d "
      "  ON d.problem_id = mp.dst AND d.host = b.host AND d.threads = b.threads "
      "  AND d.libraries = b.libraries AND d.method = b.method AND d.library = b.library "
      "  AND d.samples_ms = b.samples_ms AND d.created_at = b.created_at GROUP BY b.id;"

      "INSERT OR IGNORE INTO main.session_baselines (session_id, baseline_id, reused) "
      "SELECT ms.dst, mb.dst, x.reused FROM src.session_baselines x "
      "JOIN merge_session ms ON ms.src = x.session_id "
      "JOIN merge_baseline mb ON mb.src = x.baseline_id;"
      "INSERT OR IGNORE INTO main.transfers (session_id, direction, memory, bytes, runs, "
      "  samples_ms, median_ms, ci_low_ms, ci_high_ms) "
      "SELECT ms.dst, t.direction, t.memory, t.bytes, t.runs, t.samples_ms, t.median_ms, "
      "  t.ci_low_ms, t.ci_high_ms FROM src.transfers t "
      "JOIN merge_session ms ON ms.src = t.session_id;"

      "INSERT INTO main.crossovers (kernel, device_id, host, kernel_crossover, "
      "  end_to_end_crossover, tool_version, created_at) "
      "SELECT x.kernel, md.dst, x.host, x.kernel_crossover, x.end_to_end_crossover, "
      "  x.tool_version, x.created_at FROM src.crossovers x "
      "JOIN merge_device md ON md.src = x.device_id "
      "WHERE NOT EXISTS (SELECT 1 FROM main.crossovers d WHERE d.kernel = x.kernel "
      "  AND d.device_id = md.dst AND d.host = x.host AND d.created_at = x.created_at "
      "  AND d.kernel_crossover IS x.kernel_crossover "
      "  AND d.end_to_end_crossover IS x.end_to_end_crossover) ORDER BY x.id;"
      "CREATE TEMP TABLE merge_crossover (src INTEGER PRIMARY KEY, dst INTEGER NOT NULL);"
      "INSERT INTO merge_crossover SELECT x.id, MIN(d.id) FROM src.crossovers x "
      "  JOIN merge_device md ON md.src = x.device_id JOIN main.crossovers d "
      "  ON d.kernel = x.kernel AND d.device_id = md.dst AND d.host = x.host "
      "  AND d.created_at = x.created_at AND d.kernel_crossover IS x.kernel_crossover "
      "  AND d.end_to_end_crossover IS x.end_to_end_crossover GROUP BY x.id;"
      "INSERT OR IGNORE INTO main.crossover_points (crossover_id, size, problem_id, config, "
      "  config_source, tuned_for, kernel_ms, transfer_ms, end_to_end_ms, cpu_ms, "
      "  cpu_baseline_id, speedup_kernel, speedup_end_to_end) "
      "SELECT mx.dst, p.size, mp.dst, p.config, p.config_source, p.tuned_for, p.kernel_ms, "
      "  p.transfer_ms, p.end_to_end_ms, p.cpu_ms, mb.dst, p.speedup_kernel, "
      "  p.speedup_end_to_end FROM src.crossover_points p "
      "JOIN merge_crossover mx ON mx.src = p.crossover_id "
      "JOIN merge_problem mp ON mp.src = p.problem_id "
      "LEFT JOIN merge_baseline mb ON mb.src = p.cpu_baseline_id;"
      "DROP TABLE temp.merge_baseline; DROP TABLE temp.merge_crossover;");
}

// Merges the database attached as `src` into `main`, inside the caller's transaction.
void merge_attached(Connection& c, MergeSourceReport& report) {
  c.execute(fmt::format(
      "INSERT OR IGNORE INTO main.devices ({0}) SELECT {0} FROM src.devices ORDER BY id;"
      "CREATE TEMP TABLE merge_device (src INTEGER PRIMARY KEY, dst INTEGER NOT NULL);"
      "INSERT INTO merge_device SELECT s.id, d.id FROM src.devices s "
      "  JOIN main.devices d ON d.fingerprint = s.fingerprint;"

      "INSERT OR IGNORE INTO main.kernels (family, variant, source_hash) "
      "  SELECT family, variant, source_hash FROM src.kernels ORDER BY id;"
      "CREATE TEMP TABLE merge_kernel (src INTEGER PRIMARY KEY, dst INTEGER NOT NULL);"
      "INSERT INTO merge_kernel SELECT s.id, d.id FROM src.kernels s JOIN main.kernels d "
      "  ON d.family = s.family AND d.variant = s.variant AND d.source_hash = s.source_hash;"

      "INSERT OR IGNORE INTO main.problems (family, dtype, shape) "
      "  SELECT family, dtype, shape FROM src.problems ORDER BY id;"
      "CREATE TEMP TABLE merge_problem (src INTEGER PRIMARY KEY, dst INTEGER NOT NULL);"
      "INSERT INTO merge_problem SELECT s.id, d.id FROM src.problems s JOIN main.problems d "
      "  ON d.family = s.family AND d.dtype = s.dtype AND d.shape = s.shape;"
      "INSERT OR IGNORE INTO main.problem_dims (problem_id, position, name, value) "
      "  SELECT mp.dst, x.position, x.name, x.value FROM src.problem_dims x "
      "  JOIN merge_problem mp ON mp.src = x.problem_id;"

      "INSERT OR IGNORE INTO main.configurations (kernel_id, canonical) "
      "  SELECT mk.dst, c.canonical FROM src.configurations c "
      "  JOIN merge_kernel mk ON mk.src = c.kernel_id ORDER BY c.id;"
      "CREATE TEMP TABLE merge_config (src INTEGER PRIMARY KEY, dst INTEGER NOT NULL);"
      "INSERT INTO merge_config SELECT c.id, d.id FROM src.configurations c "
      "  JOIN merge_kernel mk ON mk.src = c.kernel_id "
      "  JOIN main.configurations d ON d.kernel_id = mk.dst AND d.canonical = c.canonical;"
      "INSERT OR IGNORE INTO main.config_values "
      "  (configuration_id, position, name, kind, value, label) "
      "  SELECT mc.dst, v.position, v.name, v.kind, v.value, v.label FROM src.config_values v "
      "  JOIN merge_config mc ON mc.src = v.configuration_id;",
      kDeviceColumns));

  report.sessions_present =
      scalar(c, "SELECT COUNT(*) FROM src.sessions WHERE uid IN (SELECT uid FROM main.sessions)");
  // A session the source saw end later (it was resumed or finished there) takes that state.
  c.execute(
      "UPDATE main.sessions SET status = s.status, ended_at = s.ended_at FROM src.sessions s "
      "WHERE s.uid = main.sessions.uid AND s.ended_at IS NOT NULL "
      "AND (main.sessions.ended_at IS NULL OR s.ended_at > main.sessions.ended_at)");
  report.sessions_updated = c.changes();
  c.execute(
      "INSERT INTO main.sessions (uid, kernel_id, problem_id, device_id, origin, source, "
      "  strategy, seed, budget_evaluations, budget_seconds, space_size, settings, command, host, "
      "  tool_version, started_at, ended_at, status) "
      "SELECT s.uid, mk.dst, mp.dst, md.dst, s.origin, s.source, s.strategy, s.seed, "
      "  s.budget_evaluations, s.budget_seconds, s.space_size, s.settings, s.command, s.host, "
      "  s.tool_version, s.started_at, s.ended_at, s.status FROM src.sessions s "
      "JOIN merge_kernel mk ON mk.src = s.kernel_id JOIN merge_problem mp ON mp.src = s.problem_id "
      "JOIN merge_device md ON md.src = s.device_id "
      "WHERE s.uid NOT IN (SELECT uid FROM main.sessions) ORDER BY s.id");
  report.sessions_added = c.changes();
  // Why each session stopped, where the source saw its end (taken above or new here).
  c.execute(
      "INSERT OR REPLACE INTO main.session_stops (session_id, stop_reason) "
      "SELECT d.id, x.stop_reason FROM src.session_stops x JOIN src.sessions s ON s.id = "
      "x.session_id JOIN main.sessions d ON d.uid = s.uid WHERE d.ended_at = s.ended_at");
  c.execute(
      "CREATE TEMP TABLE merge_session (src INTEGER PRIMARY KEY, dst INTEGER NOT NULL);"
      "INSERT INTO merge_session SELECT s.id, d.id FROM src.sessions s "
      "  JOIN main.sessions d ON d.uid = s.uid;"

      // Every source measurement: a duplicate of one in the target, new, or new but colliding
      // with a different measurement at its position (renumbered after the session's last).
      "CREATE TEMP TABLE merge_measurement (src INTEGER PRIMARY KEY, session INTEGER NOT NULL, "
      "  seq INTEGER NOT NULL, status TEXT NOT NULL);"
      "INSERT INTO merge_measurement "
      "SELECT m.id, ms.dst, m.seq, CASE "
      "  WHEN x.id IS NULL THEN 'new' "
      "  WHEN x.configuration_id = mc.dst AND x.created_at = m.created_at "
      "   AND x.outcome = m.outcome AND x.samples_ms = m.samples_ms THEN 'duplicate' "
      "  ELSE 'conflict' END "
      "FROM src.measurements m JOIN merge_session ms ON ms.src = m.session_id "
      "JOIN merge_config mc ON mc.src = m.configuration_id "
      "LEFT JOIN main.measurements x ON x.session_id = ms.dst AND x.seq = m.seq;"

      "CREATE TEMP TABLE merge_base AS SELECT mm.session AS session, MAX("
      "  COALESCE((SELECT MAX(seq) FROM main.measurements WHERE session_id = mm.session), 0), "
      "  COALESCE((SELECT MAX(seq) FROM merge_measurement n "
      "            WHERE n.session = mm.session AND n.status = 'new'), 0)) AS base "
      "FROM merge_measurement mm WHERE mm.status = 'conflict' GROUP BY mm.session;"
      "WITH numbered AS (SELECT src, ROW_NUMBER() OVER (PARTITION BY session ORDER BY seq, src) "
      "  AS n FROM merge_measurement WHERE status = 'conflict') "
      "UPDATE merge_measurement SET seq = (SELECT base FROM merge_base b "
      "  WHERE b.session = merge_measurement.session) + numbered.n "
      "FROM numbered WHERE numbered.src = merge_measurement.src;");

  report.duplicates =
      scalar(c, "SELECT COUNT(*) FROM merge_measurement WHERE status = 'duplicate'");
  report.renumbered = scalar(c, "SELECT COUNT(*) FROM merge_measurement WHERE status = 'conflict'");
  c.execute(fmt::format(
      "INSERT INTO main.measurements (session_id, seq, configuration_id, problem_id, device_id, "
      "  {0}) "
      "SELECT mm.session, mm.seq, mc.dst, mp.dst, md.dst, {1} FROM merge_measurement mm "
      "JOIN src.measurements m ON m.id = mm.src JOIN merge_config mc ON mc.src = "
      "m.configuration_id "
      "JOIN merge_problem mp ON mp.src = m.problem_id JOIN merge_device md ON md.src = m.device_id "
      "WHERE mm.status != 'duplicate' ORDER BY mm.session, mm.seq",
      kMeasurementColumns, prefixed(kMeasurementColumns, "m.")));
  report.measurements_added = c.changes();
  c.execute(
      "INSERT OR IGNORE INTO main.metrics (measurement_id, name, value, unit, source) "
      "SELECT x.id, t.name, t.value, t.unit, t.source FROM src.metrics t "
      "JOIN merge_measurement mm ON mm.src = t.measurement_id AND mm.status != 'duplicate' "
      "JOIN main.measurements x ON x.session_id = mm.session AND x.seq = mm.seq;"
      "INSERT OR IGNORE INTO main.measurement_devices (measurement_id, device_index) "
      "SELECT x.id, t.device_index FROM src.measurement_devices t "
      "JOIN merge_measurement mm ON mm.src = t.measurement_id AND mm.status != 'duplicate' "
      "JOIN main.measurements x ON x.session_id = mm.session AND x.seq = mm.seq;"
      "INSERT OR IGNORE INTO main.finalists (session_id, rank, configuration_id, remeasured, "
      "  runs, samples_ms, median_ms, ci_low_ms, ci_high_ms) "
      "SELECT ms.dst, f.rank, mc.dst, f.remeasured, f.runs, f.samples_ms, f.median_ms, "
      "  f.ci_low_ms, f.ci_high_ms FROM src.finalists f "
      "JOIN merge_session ms ON ms.src = f.session_id "
      "JOIN merge_config mc ON mc.src = f.configuration_id;");
  merge_host_comparisons(c);
  c.execute(
      "DROP TABLE temp.merge_device; DROP TABLE temp.merge_kernel; DROP TABLE temp.merge_problem;"
      "DROP TABLE temp.merge_config; DROP TABLE temp.merge_session;"
      "DROP TABLE temp.merge_measurement; DROP TABLE temp.merge_base;");
}

int source_version(const std::filesystem::path& source) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(source, ec))
    throw Error(fmt::format("merge: no database at '{}'", source.string()));
  Connection c(source.string(), Connection::Mode::read_only);
  Statement s(c, "PRAGMA user_version");
  s.step();
  const int version = static_cast<int>(s.integer(0));
  if (version > Store::kSchemaVersion)
    throw Error(
        fmt::format("merge: '{}' was written by a newer ktune (schema {}; this ktune reads "
                    "up to {}): upgrade ktune",
                    source.string(), version, Store::kSchemaVersion));
  if (version < 1) throw Error(fmt::format("merge: '{}' is not a ktune database", source.string()));
  Statement id(c, "PRAGMA application_id");
  id.step();
  if (id.integer(0) != 0 && id.integer(0) != Store::kApplicationId)
    throw Error(fmt::format("merge: '{}' is not a ktune database (its application_id is {:#x})",
                            source.string(), id.integer(0)));
  // Checked before it is attached: SQLite would report a damaged source under the target's name.
  if (const auto verdict = c.quick_check(); verdict != "ok")
    throw Error(
        fmt::format("merge: source '{}' is damaged (quick_check: {}); restore it from a copy",
                    source.string(), verdict));
  return version;
}

}  // namespace

std::vector<MergeSourceReport> merge_databases(Store& into,
                                               const std::vector<std::filesystem::path>& sources) {
  auto& c = into.connection();
  for (const auto& source : sources) {
    std::error_code ec;
    if (std::filesystem::equivalent(source, into.path(), ec))
      throw UsageError(fmt::format("merge: '{}' is the target itself", source.string()));
  }
  std::vector<MergeSourceReport> reports;
  for (const auto& source : sources) {
    MergeSourceReport report;
    report.path = source.string();
    std::filesystem::path attach = source;
    std::optional<TemporaryDatabase> copy;
    try {
      report.schema_version = source_version(source);
      if (report.schema_version < Store::kSchemaVersion) {
        // The source stays as it is: an up-to-date copy of it is merged.
        copy.emplace();
        {
          Connection reader(source.string(), Connection::Mode::read_only);
          Statement s(reader, "VACUUM INTO ?");
          s.bind(1, copy->path().string());
          s.run();
        }
        Store::open(copy->path());
        attach = copy->path();
      }
    } catch (const Error& e) {
      throw Error(fmt::format("{}{}", e.what(),
                              reports.empty() ? "" : " (the sources before it were merged)"));
    }
    {
      Statement s(c, "ATTACH DATABASE ? AS src");
      s.bind(1, attach.string());
      s.run();
    }
    try {
      Transaction tx(c);
      merge_attached(c, report);
      tx.commit();
    } catch (const Error& e) {
      sqlite3_exec(c.handle(), "DETACH DATABASE src", nullptr, nullptr, nullptr);
      throw Error(fmt::format("merge: '{}': {}{}", source.string(), e.what(),
                              reports.empty() ? "" : " (the sources before it were merged)"));
    }
    c.execute("DETACH DATABASE src");
    reports.push_back(report);
  }
  return reports;
}

}  // namespace ktune::db
