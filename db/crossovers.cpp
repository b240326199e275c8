#include "db/crossovers.hpp"

#include "db/catalog.hpp"
#include "db/ids.hpp"
#include "db/sqlite.hpp"

namespace ktune::db {

std::int64_t record_crossover(Store& store, const CrossoverRecord& x) {
  auto& c = store.connection();
  Transaction tx(c);
  const auto device = catalog::device_id(store.statements(), c, x.device);
  Statement sweep(c,
                  "INSERT INTO crossovers (kernel, device_id, host, kernel_crossover, "
                  "end_to_end_crossover, tool_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  sweep.bind(1, x.kernel)
      .bind(2, device)
      .bind(3, host_name())
      .bind(4, x.kernel_crossover)
      .bind(5, x.end_to_end_crossover)
      .bind(6, std::string_view(KTUNE_VERSION))
      .bind(7, now_utc());
  sweep.run();
  const auto id = c.last_insert_id();
  Statement point(c,
                  "INSERT INTO crossover_points (crossover_id, size, problem_id, config, "
                  "config_source, tuned_for, kernel_ms, transfer_ms, end_to_end_ms, cpu_ms, "
                  "cpu_baseline_id, speedup_kernel, speedup_end_to_end) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& p : x.points) {
    const auto problem = catalog::problem_id(store.statements(), c, p.problem);
    point.reset();
    point.bind(1, id)
        .bind(2, p.size)
        .bind(3, problem)
        .bind(4, p.config)
        .bind(5, p.config_source)
        .bind(6, p.tuned_for)
        .bind(7, p.kernel_ms)
        .bind(8, p.transfer_ms)
        .bind(9, p.end_to_end_ms())
        .bind(10, p.cpu_ms)
        .bind(11, p.cpu_baseline_id)
        .bind(12, p.speedup_kernel())
        .bind(13, p.speedup_end_to_end());
    point.run();
  }
  tx.commit();
  return id;
}

std::optional<StoredCrossover> latest_crossover(const Store& store, std::string_view kernel,
                                                std::int64_t device_id) {
  auto& c = store.connection();
  Statement sweep(c,
                  "SELECT id, kernel, device_id, host, kernel_crossover, end_to_end_crossover, "
                  "tool_version, created_at FROM crossovers WHERE kernel = ? AND device_id = ? "
                  "ORDER BY id DESC LIMIT 1");
  sweep.bind(1, kernel).bind(2, device_id);
  if (!sweep.step()) return std::nullopt;
  StoredCrossover x;
  x.id = sweep.integer(0);
  x.kernel = sweep.text(1);
  x.device_id = sweep.integer(2);
  x.host = sweep.text(3);
  x.kernel_crossover = sweep.optional_integer(4);
  x.end_to_end_crossover = sweep.optional_integer(5);
  x.tool_version = sweep.text(6);
  x.created_at = sweep.text(7);
  Statement points(c,
                   "SELECT x.size, p.family, p.dtype, p.shape, x.config, x.config_source, "
                   "x.tuned_for, x.kernel_ms, x.transfer_ms, x.cpu_ms, x.cpu_baseline_id "
                   "FROM crossover_points x JOIN problems p ON p.id = x.problem_id "
                   "WHERE x.crossover_id = ? ORDER BY x.size");
  points.bind(1, x.id);
  while (points.step()) {
    CrossoverPoint p;
    p.size = points.integer(0);
    p.problem.kernel = points.text(1);
    p.problem.dtype = points.text(2);
    p.problem.dims = parse_shape_text(points.text(3));
    p.config = points.text(4);
    p.config_source = points.text(5);
    p.tuned_for = points.text(6);
    p.kernel_ms = points.optional_real(7);
    p.transfer_ms = points.optional_real(8);
    p.cpu_ms = points.optional_real(9);
    p.cpu_baseline_id = points.optional_integer(10);
    x.points.push_back(std::move(p));
  }
  return x;
}

}  // namespace ktune::db
