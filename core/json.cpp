#include "core/json.hpp"

namespace ktune {

void merge_into(Json& into, const Json& more) {
  for (auto it = more.begin(); it != more.end(); ++it)
    into[it.key()] = *it;
}

void to_json(Json& j, const Summary& s) {
  const bool timed = s.count > 0;
  auto stat = [&](double value) { return timed ? finite_json(value) : Json(nullptr); };
  j = Json{{"runs", s.count},
           {"median_ms", stat(s.median)},
           {"ci_low_ms", stat(s.ci_low)},
           {"ci_high_ms", stat(s.ci_high)},
           {"mean_ms", stat(s.mean)},
           {"stddev_ms", stat(s.stddev)},
           {"min_ms", stat(s.min)},
           {"max_ms", stat(s.max)}};
}

void from_json(const Json& j, Summary& s) {
  s = Summary{};
  s.count = read_or<std::size_t>(j, "runs", 0);
  s.median = read_or(j, "median_ms", 0.0);
  s.ci_low = read_or(j, "ci_low_ms", 0.0);
  s.ci_high = read_or(j, "ci_high_ms", 0.0);
  s.mean = read_or(j, "mean_ms", 0.0);
  s.stddev = read_or(j, "stddev_ms", 0.0);
  s.min = read_or(j, "min_ms", 0.0);
  s.max = read_or(j, "max_ms", 0.0);
}

void to_json(Json& j, const Resources& r) {
  j = Json{{"registers", optional_json(r.registers)},
           {"shared_bytes", optional_json(r.shared_bytes)},
           {"stack_bytes", optional_json(r.stack_bytes)},
           {"spill_store_bytes", optional_json(r.spill_store_bytes)},
           {"spill_load_bytes", optional_json(r.spill_load_bytes)},
           {"const_bytes", optional_json(r.const_bytes)},
           {"theoretical_occupancy", optional_json(r.theoretical_occupancy)},
           {"occupancy_limiter",
            r.occupancy_limiter.empty() ? Json(nullptr) : Json(r.occupancy_limiter)}};
}

void from_json(const Json& j, Resources& r) {
  r = Resources{};
  r.registers = read_optional<int>(j, "registers");
  r.shared_bytes = read_optional<int>(j, "shared_bytes");
  r.stack_bytes = read_optional<int>(j, "stack_bytes");
  r.spill_store_bytes = read_optional<int>(j, "spill_store_bytes");
  r.spill_load_bytes = read_optional<int>(j, "spill_load_bytes");
  r.const_bytes = read_optional<int>(j, "const_bytes");
  r.theoretical_occupancy = read_optional<double>(j, "theoretical_occupancy");
  r.occupancy_limiter = read_or<std::string>(j, "occupancy_limiter", "");
}

void to_json(Json& j, const Metric& m) {
  j = Json{
      {"name", m.name}, {"value", finite_json(m.value)}, {"unit", m.unit}, {"source", m.source}};
}

void from_json(const Json& j, Metric& m) {
  m.name = j.at("name").get<std::string>();
  m.value = read_or(j, "value", std::nan(""));
  m.unit = read_or<std::string>(j, "unit", "");
  m.source = read_or(j, "source", MetricSource::derived);
}

void to_json(Json& j, const Evaluation& e) {
  Json samples = Json::array();
  for (double x : e.samples_ms)
    samples.push_back(finite_json(x));
  j = Json{{"outcome", e.outcome},
           {"message", e.message},
           {"samples_ms", std::move(samples)},
           {"time", e.time},
           {"compile_ms", known_json(e.compile_ms)},
           {"max_error", optional_json(e.max_error)},
           {"cost_ms", known_json(e.cost_ms)},
           {"resources", e.resources},
           {"metrics", e.metrics}};
}

void from_json(const Json& j, Evaluation& e) {
  e = Evaluation{};
  e.outcome = j.at("outcome").get<Outcome>();
  if (enum_name(e.outcome) != j.at("outcome").get<std::string>())
    throw Json::other_error::create(
        501, "unknown outcome '" + j.at("outcome").get<std::string>() + "'", &j);
  e.message = read_or<std::string>(j, "message", "");
  if (const auto it = j.find("samples_ms"); it != j.end())
    for (const auto& x : *it)
      e.samples_ms.push_back(x.is_null() ? std::nan("") : x.get<double>());
  if (const auto it = j.find("time"); it != j.end() && !it->is_null()) e.time = it->get<Summary>();
  e.compile_ms = read_or(j, "compile_ms", 0.0);
  e.max_error = read_optional<double>(j, "max_error");
  e.cost_ms = read_or(j, "cost_ms", 0.0);
  if (const auto it = j.find("resources"); it != j.end() && !it->is_null())
    e.resources = it->get<Resources>();
  if (const auto it = j.find("metrics"); it != j.end()) e.metrics = it->get<std::vector<Metric>>();
}

void to_json(Json& j, const DeviceInfo& d) {
  j = Json{{"backend", d.backend},
           {"index", d.index},
           {"name", d.name},
           {"vendor", d.vendor},
           {"architecture", d.architecture},
           {"driver_version", d.driver_version},
           {"runtime_version", d.runtime_version},
           {"compute_units", known_json(d.compute_units)},
           {"global_memory_bytes", known_json(d.global_memory_bytes)},
           {"max_allocation_bytes", known_json(d.max_allocation_bytes)},
           {"shared_memory_per_block_bytes", known_json(d.shared_memory_per_block)},
           {"shared_memory_per_block_optin_bytes", known_json(d.shared_memory_per_block_optin)},
           {"l2_bytes", known_json(d.l2_bytes)},
           {"max_threads_per_block", known_json(d.max_threads_per_block)},
           {"max_block_dim", {d.max_block_dim[0], d.max_block_dim[1], d.max_block_dim[2]}},
           {"warp_size", d.warp_size},
           {"clock_mhz", known_json(d.clock_mhz)},
           {"peak_bandwidth_gbs", known_json(d.peak_bandwidth_gbs)},
           {"peak_gflops_fp32", known_json(d.peak_gflops_fp32)}};
}

void from_json(const Json& j, DeviceInfo& d) {
  d = DeviceInfo{};
  d.backend = j.at("backend").get<std::string>();
  d.name = j.at("name").get<std::string>();
  d.index = read_or(j, "index", 0);
  d.vendor = read_or<std::string>(j, "vendor", "");
  d.architecture = read_or<std::string>(j, "architecture", "");
  d.driver_version = read_or<std::string>(j, "driver_version", "");
  d.runtime_version = read_or<std::string>(j, "runtime_version", "");
  d.compute_units = read_or(j, "compute_units", 0);
  d.global_memory_bytes = read_or<std::uint64_t>(j, "global_memory_bytes", 0);
  d.max_allocation_bytes = read_or<std::uint64_t>(j, "max_allocation_bytes", 0);
  d.shared_memory_per_block = read_or<std::uint64_t>(j, "shared_memory_per_block_bytes", 0);
  d.shared_memory_per_block_optin =
      read_or<std::uint64_t>(j, "shared_memory_per_block_optin_bytes", 0);
  d.l2_bytes = read_or<std::uint64_t>(j, "l2_bytes", 0);
  d.max_threads_per_block = read_or(j, "max_threads_per_block", 0);
  if (const auto it = j.find("max_block_dim"); it != j.end() && it->is_array())
    for (std::size_t i = 0; i < 3 && i < it->size(); ++i)
      d.max_block_dim[i] = (*it)[i].get<int>();
  d.warp_size = read_or(j, "warp_size", 1);
  d.clock_mhz = read_or(j, "clock_mhz", 0.0);
  d.peak_bandwidth_gbs = read_or(j, "peak_bandwidth_gbs", 0.0);
  d.peak_gflops_fp32 = read_or(j, "peak_gflops_fp32", 0.0);
}

void to_json(Json& j, const TransferTiming& t) {
  const bool timed = t.time.count > 0 && t.time.median > 0;
  j = Json{{"direction", t.direction},
           {"memory", t.memory},
           {"bytes", t.bytes},
           {"samples_ms", t.samples_ms},
           {"time", t.time},
           {"gbs", timed ? finite_json(static_cast<double>(t.bytes) / t.time.median / 1e6)
                         : Json(nullptr)}};
}

void from_json(const Json& j, TransferTiming& t) {
  t.direction = j.at("direction").get<CopyDirection>();
  t.memory = j.at("memory").get<HostMemory>();
  t.bytes = j.at("bytes").get<std::uint64_t>();
  t.samples_ms = j.at("samples_ms").get<std::vector<double>>();
  t.time = summarize(t.samples_ms);
}

void to_json(Json& j, const CrossoverPoint& p) {
  j = Json{{"size", p.size},
           {"problem", p.problem.canonical()},
           {"config", p.config},
           {"config_source", p.config_source},
           {"tuned_for", p.tuned_for.empty() ? Json(nullptr) : Json(p.tuned_for)},
           {"kernel_ms", optional_json(p.kernel_ms)},
           {"transfer_ms", optional_json(p.transfer_ms)},
           {"end_to_end_ms", optional_json(p.end_to_end_ms())},
           {"cpu_ms", optional_json(p.cpu_ms)},
           {"cpu_baseline_id", optional_json(p.cpu_baseline_id)},
           {"speedup_kernel", optional_json(p.speedup_kernel())},
           {"speedup_end_to_end", optional_json(p.speedup_end_to_end())},
           {"note", p.note.empty() ? Json(nullptr) : Json(p.note)}};
}

}  // namespace ktune
