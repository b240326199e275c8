-- Schema 4: what schema 3 (schema_v3.sql) has, and these tables. A database of schema 3 gains
-- them as they are (nothing of it changes).

-- In a search on several devices, which device measured each measurement (its index within the
-- backend, as --device names it). Measurements without a row here were measured on their
-- session's device.
CREATE TABLE IF NOT EXISTS measurement_devices (
  measurement_id INTEGER PRIMARY KEY REFERENCES measurements(id),
  device_index   INTEGER NOT NULL CHECK (device_index >= 0)
);
