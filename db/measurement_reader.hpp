#pragma once
// Reads measurements with everything known about them (names resolved, samples, statistics,
// resources, metrics, typed configuration values, CPU baseline): the one reader behind a
// session's evaluations, `query top` and `history`, `db export` and the lookup's source.
// Internal to db/.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "db/records.hpp"
#include "db/sqlite.hpp"

namespace ktune::db {

class MeasurementReader {
 public:
  explicit MeasurementReader(const Connection& connection);

  // "SELECT <every column the reader reads> <joins> <tail>": the tail adds WHERE, GROUP BY,
  // ORDER BY (tables: m measurements, s sessions, c configurations, k kernels, p problems,
  // d devices).
  static std::string select(std::string_view tail);
  // The measurement of the statement's current row (a statement built from select()).
  StoredMeasurement read(const Statement& row);

 private:
  Statement metrics_;
  Statement params_;
};

// Every measurement a statement built from MeasurementReader::select() gives, in its order.
void read_measurements(const Connection& connection, Statement& statement,
                       const std::function<void(StoredMeasurement&&)>& visit);

}  // namespace ktune::db
