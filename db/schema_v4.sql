-- ktune results database, schema version 4 (docs/DATABASE.md has the entity diagram).
-- Version 3 added the finalists' interleaved re-measurement (table finalists) and the rank of a
-- measurement (measurements.rank_ms), by which the best configuration is chosen. Version 4 adds
-- new tables only (listed together at the end of this file). Every statement is IF NOT EXISTS:
-- the migrations from versions 2 and 3 run this file after altering the tables.
--
-- Identity tables (devices, kernels, problems, configurations) are written once per distinct
-- value, found again by their natural key (the UNIQUE constraints); sessions and measurements
-- point at them. Unknown numbers are NULL, never 0. Times are in milliseconds; timestamps are
-- ISO 8601 UTC text ("2024-05-01T12:00:00Z"), which sorts in time order. CHECKs are written with
-- OR rather than IN (...): SQLite builds a temporary table for an IN list on every row inserted.

-- A device as the backend described it. The fingerprint (backend, name, architecture, compute
-- units, memory, driver and runtime versions) identifies it: a new driver is a new row.
CREATE TABLE IF NOT EXISTS devices (
  id                            INTEGER PRIMARY KEY,
  fingerprint                   TEXT NOT NULL UNIQUE,
  backend                       TEXT NOT NULL,   -- cuda | opencl | replay | recorded (imported)
  name                          TEXT NOT NULL,
  vendor                        TEXT NOT NULL DEFAULT '',
  architecture                  TEXT NOT NULL DEFAULT '',  -- sm_90; OpenCL type and version
  compute_units                 INTEGER,         -- SMs or OpenCL compute units
  global_memory_bytes           INTEGER,
  max_allocation_bytes          INTEGER,
  shared_memory_per_block       INTEGER,
  shared_memory_per_block_optin INTEGER,
  l2_bytes                      INTEGER,
  max_threads_per_block         INTEGER,
  max_block_dim_x               INTEGER,
  max_block_dim_y               INTEGER,
  max_block_dim_z               INTEGER,
  warp_size                     INTEGER,
  clock_mhz                     REAL,
  peak_bandwidth_gbs            REAL,
  peak_gflops_fp32              REAL,
  driver_version                TEXT NOT NULL DEFAULT '',
  runtime_version               TEXT NOT NULL DEFAULT '',  -- CUDA runtime / OpenCL platform
  first_seen                    TEXT NOT NULL
);

-- A kernel: its family (matmul, conv2d, or an imported kernel's name), the variant family within
-- it ('' when the family has one), and a hash of its source ('' when unknown).
CREATE TABLE IF NOT EXISTS kernels (
  id          INTEGER PRIMARY KEY,
  family      TEXT NOT NULL,
  variant     TEXT NOT NULL DEFAULT '',
  source_hash TEXT NOT NULL DEFAULT '',
  UNIQUE (family, variant, source_hash)
);

-- A problem instance: family, data type and shape. `shape` is the canonical text
-- ("m=256,n=256,k=256"); problem_dims holds the same sizes as queryable integers.
CREATE TABLE IF NOT EXISTS problems (
  id     INTEGER PRIMARY KEY,
  family TEXT NOT NULL,
  dtype  TEXT NOT NULL,
  shape  TEXT NOT NULL,
  UNIQUE (family, dtype, shape)
);

CREATE TABLE IF NOT EXISTS problem_dims (
  problem_id INTEGER NOT NULL REFERENCES problems(id),
  position   INTEGER NOT NULL,  -- 0-based, in the family's order
  name       TEXT NOT NULL,
  value      INTEGER NOT NULL,
  PRIMARY KEY (problem_id, name)
) WITHOUT ROWID;

-- A configuration of one kernel: the canonical text ("TS=16,WPT=4") and its typed values.
CREATE TABLE IF NOT EXISTS configurations (
  id        INTEGER PRIMARY KEY,
  kernel_id INTEGER NOT NULL REFERENCES kernels(id),
  canonical TEXT NOT NULL,
  UNIQUE (kernel_id, canonical)
);

CREATE TABLE IF NOT EXISTS config_values (
  configuration_id INTEGER NOT NULL REFERENCES configurations(id),
  position         INTEGER NOT NULL,  -- 0-based, in the space's parameter order
  name             TEXT NOT NULL,
  kind             TEXT NOT NULL
                     CHECK (kind = 'integer' OR kind = 'boolean' OR kind = 'choice' OR kind = 'text'),
  value            INTEGER,           -- integer; boolean 0/1; a choice's index; NULL for text
  label            TEXT NOT NULL,     -- the value as written in the canonical text
  PRIMARY KEY (configuration_id, name)
) WITHOUT ROWID;

-- One tuning session (or one imported file). `uid` is unique across databases, so merging
-- shards recognises a session it already holds.
CREATE TABLE IF NOT EXISTS sessions (
  id                 INTEGER PRIMARY KEY,
  uid                TEXT NOT NULL UNIQUE,
  kernel_id          INTEGER NOT NULL REFERENCES kernels(id),
  problem_id         INTEGER NOT NULL REFERENCES problems(id),
  device_id          INTEGER NOT NULL REFERENCES devices(id),
  origin             TEXT NOT NULL DEFAULT 'tune'
                       CHECK (origin = 'tune' OR origin = 'import' OR origin = 'migrated'),
  source             TEXT NOT NULL DEFAULT '',  -- the imported file
  strategy           TEXT NOT NULL,
  seed               INTEGER NOT NULL DEFAULT 0,
  budget_evaluations INTEGER,                   -- NULL: no limit
  budget_seconds     REAL,
  space_size         INTEGER,                   -- valid configurations of the space
  settings           TEXT NOT NULL DEFAULT '{}',  -- JSON object: measurement settings, --set, ...
  command            TEXT NOT NULL DEFAULT '',  -- the command line
  host               TEXT NOT NULL DEFAULT '',
  tool_version       TEXT NOT NULL,
  started_at         TEXT NOT NULL,
  ended_at           TEXT,                      -- NULL while running
  status             TEXT NOT NULL              -- running | completed | interrupted | failed
);

-- One evaluated configuration: how it ended, every timed run and their summary, what static
-- analysis said about the compiled variant, and the CPU baseline it is compared with.
CREATE TABLE IF NOT EXISTS measurements (
  id                    INTEGER PRIMARY KEY,
  session_id            INTEGER NOT NULL REFERENCES sessions(id),
  seq                   INTEGER NOT NULL,        -- 1, 2, ... in the session's evaluation order
  configuration_id      INTEGER NOT NULL REFERENCES configurations(id),
  problem_id            INTEGER NOT NULL REFERENCES problems(id),
  device_id             INTEGER NOT NULL REFERENCES devices(id),
  outcome               TEXT NOT NULL CHECK (outcome = 'correct' OR
                          outcome = 'wrong_result' OR outcome = 'compile_error' OR
                          outcome = 'launch_error' OR outcome = 'resource_exceeded' OR
                          outcome = 'timeout' OR outcome = 'invalid' OR outcome = 'pruned'),
  message               TEXT NOT NULL DEFAULT '',
  runs                  INTEGER NOT NULL DEFAULT 0,
  samples_ms            TEXT NOT NULL DEFAULT '[]',  -- JSON array of every timed run, in order
  median_ms             REAL,                    -- NULL when nothing was timed
  ci_low_ms             REAL,                    -- 95% confidence interval of the median
  ci_high_ms            REAL,
  mean_ms               REAL,
  stddev_ms             REAL,
  min_ms                REAL,
  max_ms                REAL,
  compile_ms            REAL,
  max_error             REAL,                    -- relative L2 error against the CPU reference
  cost_ms               REAL,                    -- what evaluating it cost
  registers             INTEGER,                 -- static analysis (ptxas), NULL when unknown
  shared_bytes          INTEGER,
  stack_bytes           INTEGER,
  spill_store_bytes     INTEGER,
  spill_load_bytes      INTEGER,
  const_bytes           INTEGER,
  theoretical_occupancy REAL,
  occupancy_limiter     TEXT,
  cpu_baseline          TEXT,                    -- what the CPU ran ("openblas sgemm, 2 threads")
  cpu_baseline_ms       REAL,
  created_at            TEXT NOT NULL,
  -- What the best configuration is chosen by: the median of the search, except in a session
  -- whose finalists were re-measured interleaved, where a finalist ranks by its re-measured
  -- median and every other configuration after the finalists (the tune's verdict stands).
  rank_ms               REAL,
  UNIQUE (session_id, seq)
);

-- The best-configuration lookup: correct measurements of a problem on a device by time.
CREATE INDEX IF NOT EXISTS measurements_best ON measurements (problem_id, device_id, rank_ms)
  WHERE outcome = 'correct';
CREATE INDEX IF NOT EXISTS measurements_by_configuration ON measurements (configuration_id);

-- The best few configurations of a session measured again, interleaved, after the search:
-- rank 1 is the winner the tune reported. `remeasured` = 0 when they could not be run again (a
-- replay) and the search's own samples were compared.
CREATE TABLE IF NOT EXISTS finalists (
  session_id       INTEGER NOT NULL REFERENCES sessions(id),
  rank             INTEGER NOT NULL,
  configuration_id INTEGER NOT NULL REFERENCES configurations(id),
  remeasured       INTEGER NOT NULL CHECK (remeasured = 0 OR remeasured = 1),
  runs             INTEGER NOT NULL,
  samples_ms       TEXT NOT NULL,
  median_ms        REAL,
  ci_low_ms        REAL,
  ci_high_ms       REAL,
  PRIMARY KEY (session_id, rank)
) WITHOUT ROWID;

-- Metrics as rows: counters measured by a profiler, or values derived from them.
CREATE TABLE IF NOT EXISTS metrics (
  measurement_id INTEGER NOT NULL REFERENCES measurements(id),
  name           TEXT NOT NULL,   -- dram_bytes_read, gflops, ...
  value          REAL,            -- NULL when not finite
  unit           TEXT NOT NULL DEFAULT '',
  source         TEXT NOT NULL CHECK (source = 'measured' OR source = 'derived'),
  PRIMARY KEY (measurement_id, name)
) WITHOUT ROWID;

-- Schema changes applied to this file, and where the copy made before each one is.
CREATE TABLE IF NOT EXISTS schema_migrations (
  version      INTEGER PRIMARY KEY,
  applied_at   TEXT NOT NULL,
  tool_version TEXT NOT NULL DEFAULT '',
  backup       TEXT NOT NULL DEFAULT ''
);

-- Every measurement with its names resolved: what `ktune db export` writes.
CREATE VIEW IF NOT EXISTS results AS
SELECT m.id AS measurement_id, m.session_id, m.seq, s.uid AS session_uid, s.origin,
       k.family AS kernel, k.variant, k.source_hash, p.family AS problem_family, p.dtype,
       p.shape AS problem, d.id AS device_id, d.backend, d.name AS device, d.architecture,
       d.driver_version, d.runtime_version, d.fingerprint AS device_fingerprint,
       c.canonical AS config, m.outcome, m.message, m.runs, m.samples_ms, m.median_ms,
       m.ci_low_ms, m.ci_high_ms, m.mean_ms, m.stddev_ms, m.min_ms, m.max_ms, m.compile_ms,
       m.max_error, m.cost_ms, m.registers, m.shared_bytes, m.stack_bytes, m.spill_store_bytes,
       m.spill_load_bytes, m.const_bytes, m.theoretical_occupancy, m.occupancy_limiter,
       m.cpu_baseline, m.cpu_baseline_ms, m.cpu_baseline_ms / m.median_ms AS speedup_over_cpu,
       m.created_at, m.rank_ms
FROM measurements m
JOIN sessions s ON s.id = m.session_id
JOIN configurations c ON c.id = m.configuration_id
JOIN kernels k ON k.id = c.kernel_id
JOIN problems p ON p.id = m.problem_id
JOIN devices d ON d.id = m.device_id;

-- The best correct configuration of every problem on every device (by rank_ms): one index seek per
-- (problem, device) pair, so `WHERE problem = ...` stays fast however many measurements there are.
CREATE VIEW IF NOT EXISTS best AS
SELECT k.family AS kernel, p.shape AS problem, p.dtype, d.name AS device, d.id AS device_id,
       d.architecture, c.canonical AS config, m.median_ms, m.ci_low_ms, m.ci_high_ms, m.runs,
       m.rank_ms,
       m.cpu_baseline_ms / m.median_ms AS speedup_over_cpu, m.id AS measurement_id,
       m.session_id, m.created_at
FROM problems p
CROSS JOIN devices d  -- CROSS JOIN fixes this join order for SQLite's planner
CROSS JOIN measurements m ON m.id = (
  SELECT x.id FROM measurements x
  WHERE x.problem_id = p.id AND x.device_id = d.id AND x.outcome = 'correct'
    AND x.rank_ms IS NOT NULL
  ORDER BY x.rank_ms, x.id LIMIT 1)
CROSS JOIN configurations c ON c.id = m.configuration_id
CROSS JOIN kernels k ON k.id = c.kernel_id;

-- Schema 1's table, as a view, so that queries written against it keep working.
CREATE VIEW IF NOT EXISTS evaluations AS
SELECT id, session_id, (SELECT canonical FROM configurations WHERE id = configuration_id) AS config,
       outcome, message, median_ms, ci_low_ms, ci_high_ms, samples_ms, compile_ms, max_error,
       created_at
FROM measurements;

-- Schema 4: the device against the host (issue 15). -------------------------------------------

-- A CPU baseline: the fastest optimised library method on a problem on one host, timed like the
-- kernels (warm-up, repeats to a confidence interval). A tune on the same host, problem, thread
-- count and library versions reuses it instead of measuring again.
CREATE TABLE IF NOT EXISTS cpu_baselines (
  id           INTEGER PRIMARY KEY,
  problem_id   INTEGER NOT NULL REFERENCES problems(id),
  host         TEXT NOT NULL,
  method       TEXT NOT NULL,               -- openblas_sgemm | onednn | im2col_sgemm
  library      TEXT NOT NULL,               -- what ran it, as the library describes itself
  libraries    TEXT NOT NULL,               -- the family's baseline libraries and versions
  threads      INTEGER NOT NULL,
  runs         INTEGER NOT NULL,
  samples_ms   TEXT NOT NULL,               -- JSON array of every timed run, in order
  median_ms    REAL NOT NULL,
  ci_low_ms    REAL,
  ci_high_ms   REAL,
  gflops       REAL,
  tool_version TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cpu_baselines_by_problem
  ON cpu_baselines (problem_id, host, threads, libraries);

-- The CPU baseline a session was compared with; `reused` = 1 when it was measured before.
CREATE TABLE IF NOT EXISTS session_baselines (
  session_id  INTEGER PRIMARY KEY REFERENCES sessions(id),
  baseline_id INTEGER NOT NULL REFERENCES cpu_baselines(id),
  reused      INTEGER NOT NULL CHECK (reused = 0 OR reused = 1)
);

-- Copies of a session's kernel inputs to the device and of its output back, timed by the
-- backend (OpenCL: profiled clEnqueueWrite/ReadBuffer; CUDA: cudaMemcpy between events), from
-- ordinary (pageable) host memory and, where the backend has it, page-locked (pinned) memory.
CREATE TABLE IF NOT EXISTS transfers (
  session_id INTEGER NOT NULL REFERENCES sessions(id),
  direction  TEXT NOT NULL CHECK (direction = 'host_to_device' OR direction = 'device_to_host'),
  memory     TEXT NOT NULL CHECK (memory = 'pageable' OR memory = 'pinned'),
  bytes      INTEGER NOT NULL,
  runs       INTEGER NOT NULL,
  samples_ms TEXT NOT NULL,
  median_ms  REAL NOT NULL,
  ci_low_ms  REAL,
  ci_high_ms REAL,
  PRIMARY KEY (session_id, direction, memory)
) WITHOUT ROWID;

-- A crossover sweep: the device against the CPU baseline over a range of sizes.
CREATE TABLE IF NOT EXISTS crossovers (
  id                     INTEGER PRIMARY KEY,
  kernel                 TEXT NOT NULL,
  device_id              INTEGER NOT NULL REFERENCES devices(id),
  host                   TEXT NOT NULL,
  kernel_crossover       INTEGER,  -- smallest size from which the kernel alone beats the CPU
  end_to_end_crossover   INTEGER,  -- the same with the copies in and out; NULL: never in range
  tool_version           TEXT NOT NULL DEFAULT '',
  created_at             TEXT NOT NULL
);

-- One size of a sweep: the configuration run (the best stored one for the nearest shape, or the
-- default), its time, the copies', the CPU baseline's, and the speed-ups.
CREATE TABLE IF NOT EXISTS crossover_points (
  crossover_id        INTEGER NOT NULL REFERENCES crossovers(id),
  size                INTEGER NOT NULL,
  problem_id          INTEGER NOT NULL REFERENCES problems(id),
  config              TEXT NOT NULL,
  config_source       TEXT NOT NULL CHECK (config_source = 'stored' OR config_source = 'default'),
  tuned_for           TEXT NOT NULL DEFAULT '',  -- the stored problem it was tuned for
  kernel_ms           REAL,                      -- NULL: the configuration did not run
  transfer_ms         REAL,                      -- copies in and out (pageable)
  end_to_end_ms       REAL,
  cpu_ms              REAL,
  cpu_baseline_id     INTEGER REFERENCES cpu_baselines(id),
  speedup_kernel      REAL,                      -- cpu_ms / kernel_ms
  speedup_end_to_end  REAL,                      -- cpu_ms / end_to_end_ms
  PRIMARY KEY (crossover_id, size)
) WITHOUT ROWID;

-- Why a search ended (tuner::StopReason's JSON name). Written when the session ends; a resumed
-- session loses its row until it ends again; a failed session and an import have none.
CREATE TABLE IF NOT EXISTS session_stops (
  session_id  INTEGER PRIMARY KEY REFERENCES sessions(id),
  stop_reason TEXT NOT NULL CHECK (stop_reason = 'space_exhausted' OR
                                   stop_reason = 'evaluation_budget' OR
                                   stop_reason = 'time_budget' OR stop_reason = 'stagnation' OR
                                   stop_reason = 'interrupted' OR stop_reason = 'only_revisits')
);

-- In a search on several devices, which device measured each measurement (its index within the
-- backend, as --device names it). Measurements without a row here were measured on their
-- session's device.
CREATE TABLE IF NOT EXISTS measurement_devices (
  measurement_id INTEGER PRIMARY KEY REFERENCES measurements(id),
  device_index   INTEGER NOT NULL CHECK (device_index >= 0)
);
