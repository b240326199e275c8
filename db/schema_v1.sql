-- ktune results database, schema version 1: sessions and their evaluations.
PRAGMA foreign_keys = ON;

CREATE TABLE IF NOT EXISTS sessions (
  id                 INTEGER PRIMARY KEY,
  started_at         TEXT NOT NULL,             -- ISO 8601, UTC
  ended_at           TEXT,
  status             TEXT NOT NULL,             -- running | completed | failed | interrupted
  family             TEXT NOT NULL,             -- kernel family: matmul, conv2d, ...
  problem            TEXT NOT NULL,             -- canonical shape: m=256,n=256,k=256
  backend            TEXT NOT NULL,
  device_name        TEXT NOT NULL,
  device_fingerprint TEXT NOT NULL,
  strategy           TEXT NOT NULL,
  seed               INTEGER NOT NULL,
  tool_version       TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS evaluations (
  id          INTEGER PRIMARY KEY,
  session_id  INTEGER NOT NULL REFERENCES sessions(id),
  config      TEXT NOT NULL,                    -- canonical: TS=16,WPT=1
  outcome     TEXT NOT NULL,
  message     TEXT NOT NULL DEFAULT '',
  median_ms   REAL,
  ci_low_ms   REAL,
  ci_high_ms  REAL,
  samples_ms  TEXT NOT NULL DEFAULT '[]',       -- JSON array of every timed run
  compile_ms  REAL,
  max_error   REAL,
  created_at  TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS evaluations_by_session ON evaluations(session_id);
