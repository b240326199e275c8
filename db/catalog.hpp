#pragma once
// The identity rows every session and measurement points at (devices, kernels, problems,
// configurations): found by their natural key, inserted when new. Called inside a write
// transaction, so two processes never insert the same row twice. Internal to db/.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/device_info.hpp"
#include "core/problem.hpp"
#include "db/sqlite.hpp"
#include "db/store.hpp"

namespace ktune::db::catalog {

// `fingerprint` overrides device.fingerprint() (databases migrated from schema 1 keep theirs).
std::int64_t device_id(StatementCache& statements, const Connection& connection,
                       const DeviceInfo& device, std::string_view fingerprint = {},
                       std::string_view first_seen = {});
std::int64_t kernel_id(StatementCache& statements, const Connection& connection,
                       std::string_view family, std::string_view variant,
                       std::string_view source_hash);
std::int64_t problem_id(StatementCache& statements, const Connection& connection,
                        const Problem& problem);
// `params` empty: the typed values are parsed from the canonical text where possible.
std::int64_t configuration_id(StatementCache& statements, const Connection& connection,
                              std::int64_t kernel, std::string_view canonical,
                              const std::vector<ParamValue>& params);

// The columns of a devices row from `first` on, in the order of kDeviceColumns.
inline constexpr std::string_view kDeviceColumns =
    "backend, name, vendor, architecture, compute_units, global_memory_bytes, "
    "max_allocation_bytes, shared_memory_per_block, shared_memory_per_block_optin, l2_bytes, "
    "max_threads_per_block, max_block_dim_x, max_block_dim_y, max_block_dim_z, warp_size, "
    "clock_mhz, peak_bandwidth_gbs, peak_gflops_fp32, driver_version, runtime_version";
DeviceInfo read_device(const Statement& statement, int first);

// The typed values of a canonical text, or nothing when it is not NAME=VALUE,... (never throws).
std::vector<ParamValue> typed_values(std::string_view canonical);

}  // namespace ktune::db::catalog
