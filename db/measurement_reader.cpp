#include "db/measurement_reader.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/json.hpp"
#include "db/json.hpp"
#include "db/samples_text.hpp"

namespace ktune::db {
namespace {

constexpr std::string_view kColumns =
    "m.id, m.session_id, s.uid, m.seq, s.origin, k.family, k.variant, k.source_hash, p.shape, "
    "p.dtype, d.id, d.name, d.backend, d.architecture, d.driver_version, d.runtime_version, "
    "d.fingerprint, c.canonical, m.configuration_id, m.outcome, m.message, m.samples_ms, "
    "m.median_ms, m.ci_low_ms, m.ci_high_ms, m.mean_ms, m.stddev_ms, m.min_ms, m.max_ms, "
    "m.compile_ms, m.max_error, m.cost_ms, m.registers, m.shared_bytes, m.stack_bytes, "
    "m.spill_store_bytes, m.spill_load_bytes, m.const_bytes, m.theoretical_occupancy, "
    "m.occupancy_limiter, m.cpu_baseline, m.cpu_baseline_ms, m.created_at";

constexpr std::string_view kJoins =
    "FROM measurements m JOIN sessions s ON s.id = m.session_id "
    "JOIN configurations c ON c.id = m.configuration_id JOIN kernels k ON k.id = c.kernel_id "
    "JOIN problems p ON p.id = m.problem_id JOIN devices d ON d.id = m.device_id";

}  // namespace

MeasurementReader::MeasurementReader(const Connection& connection)
    : metrics_(connection,
               "SELECT name, value, unit, source FROM metrics WHERE measurement_id = ?"),
      params_(connection,
              "SELECT name, kind, value, label FROM config_values WHERE configuration_id = ? "
              "ORDER BY position") {}

std::string MeasurementReader::select(std::string_view tail) {
  return fmt::format("SELECT {} {} {}", kColumns, kJoins, tail);
}

StoredMeasurement MeasurementReader::read(const Statement& s) {
  auto optional_int = [&](int column) -> std::optional<int> {
    if (s.is_null(column)) return std::nullopt;
    return static_cast<int>(s.integer(column));
  };
  StoredMeasurement m;
  m.id = s.integer(0);
  m.session = s.integer(1);
  m.session_uid = s.text(2);
  m.seq = s.integer(3);
  m.origin = enum_from_name<Origin>(s.text(4)).value_or(Origin::tune);
  m.kernel = s.text(5);
  m.variant = s.text(6);
  m.source_hash = s.text(7);
  m.problem = s.text(8);
  m.dtype = s.text(9);
  m.device_id = s.integer(10);
  m.device_name = s.text(11);
  m.backend = s.text(12);
  m.architecture = s.text(13);
  m.driver_version = s.text(14);
  m.runtime_version = s.text(15);
  m.device_fingerprint = s.text(16);
  m.config = s.text(17);
  const auto configuration = s.integer(18);
  auto& e = m.evaluation;
  e.outcome = outcome_from_string(s.text(19)).value_or(Outcome::invalid);
  e.message = s.text(20);
  e.samples_ms = samples_from_text(s.text(21), NonNumbers::keep_as_nan);
  if (!s.is_null(22)) {
    e.time.count = e.samples_ms.size();
    e.time.median = s.real(22);
    e.time.ci_low = s.optional_real(23).value_or(0);
    e.time.ci_high = s.optional_real(24).value_or(0);
    e.time.mean = s.optional_real(25).value_or(0);
    e.time.stddev = s.optional_real(26).value_or(0);
    e.time.min = s.optional_real(27).value_or(0);
    e.time.max = s.optional_real(28).value_or(0);
  }
  e.compile_ms = s.optional_real(29).value_or(0);
  e.max_error = s.optional_real(30);
  e.cost_ms = s.optional_real(31).value_or(0);
  e.resources.registers = optional_int(32);
  e.resources.shared_bytes = optional_int(33);
  e.resources.stack_bytes = optional_int(34);
  e.resources.spill_store_bytes = optional_int(35);
  e.resources.spill_load_bytes = optional_int(36);
  e.resources.const_bytes = optional_int(37);
  e.resources.theoretical_occupancy = s.optional_real(38);
  e.resources.occupancy_limiter = s.is_null(39) ? std::string() : s.text(39);
  if (!s.is_null(40)) m.baseline = CpuBaseline{s.text(40), s.optional_real(41).value_or(0)};
  m.created_at = s.text(42);

  metrics_.reset();
  metrics_.bind(1, m.id);
  while (metrics_.step())
    e.metrics.push_back(
        {metrics_.text(0), metrics_.optional_real(1).value_or(std::nan("")), metrics_.text(2),
         enum_from_name<MetricSource>(metrics_.text(3)).value_or(MetricSource::derived)});
  params_.reset();
  params_.bind(1, configuration);
  while (params_.step())
    m.params.push_back(
        {params_.text(0),
         enum_from_name<ParamValue::Kind>(params_.text(1)).value_or(ParamValue::Kind::text),
         params_.optional_integer(2), params_.text(3)});
  return m;
}

void read_measurements(const Connection& connection, Statement& statement,
                       const std::function<void(StoredMeasurement&&)>& visit) {
  MeasurementReader reader(connection);
  while (statement.step())
    visit(reader.read(statement));
}

}  // namespace ktune::db
