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

}  // namespace ktune::db
