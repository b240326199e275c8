#include "core/device_info_json.hpp"

namespace ktune {

nlohmann::json to_json(const DeviceInfo& d) {
  return {{"backend", d.backend},
          {"index", d.index},
          {"name", d.name},
          {"vendor", d.vendor},
          {"architecture", d.architecture},
          {"driver_version", d.driver_version},
          {"runtime_version", d.runtime_version},
          {"compute_units", d.compute_units},
          {"global_memory_bytes", d.global_memory_bytes},
          {"max_allocation_bytes", d.max_allocation_bytes},
          {"shared_memory_per_block_bytes", d.shared_memory_per_block},
          {"shared_memory_per_block_optin_bytes", d.shared_memory_per_block_optin},
          {"l2_bytes", d.l2_bytes},
          {"max_threads_per_block", d.max_threads_per_block},
          {"max_block_dim", {d.max_block_dim[0], d.max_block_dim[1], d.max_block_dim[2]}},
          {"warp_size", d.warp_size},
          {"clock_mhz", d.clock_mhz},
          {"peak_bandwidth_gbs", d.peak_bandwidth_gbs},
          {"peak_gflops_fp32", d.peak_gflops_fp32}};
}

DeviceInfo device_info_from_json(const nlohmann::json& j) {
  DeviceInfo d;
  d.backend = j.at("backend").get<std::string>();
  d.index = j.value("index", 0);
  d.name = j.at("name").get<std::string>();
  d.vendor = j.value("vendor", "");
  d.architecture = j.value("architecture", "");
  d.driver_version = j.value("driver_version", "");
  d.runtime_version = j.value("runtime_version", "");
  d.compute_units = j.value("compute_units", 0);
  d.global_memory_bytes = j.value("global_memory_bytes", std::uint64_t{0});
  d.max_allocation_bytes = j.value("max_allocation_bytes", std::uint64_t{0});
  d.shared_memory_per_block = j.value("shared_memory_per_block_bytes", std::uint64_t{0});
  d.shared_memory_per_block_optin =
      j.value("shared_memory_per_block_optin_bytes", std::uint64_t{0});
  d.l2_bytes = j.value("l2_bytes", std::uint64_t{0});
  d.max_threads_per_block = j.value("max_threads_per_block", 0);
  if (j.contains("max_block_dim"))
    for (std::size_t i = 0; i < 3; ++i)
      d.max_block_dim[i] = j["max_block_dim"].at(i).get<int>();
  d.warp_size = j.value("warp_size", 1);
  d.clock_mhz = j.value("clock_mhz", 0.0);
  d.peak_bandwidth_gbs = j.value("peak_bandwidth_gbs", 0.0);
  d.peak_gflops_fp32 = j.value("peak_gflops_fp32", 0.0);
  return d;
}

}  // namespace ktune
