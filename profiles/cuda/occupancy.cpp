#include "profiles/cuda/occupancy.hpp"

#include <algorithm>
#include <climits>

#include <fmt/format.h>

namespace ktune::profiles::cuda {
namespace {

std::uint64_t round_up(std::uint64_t x, std::uint64_t unit) {
  return (x + unit - 1) / unit * unit;
}

// The smallest shared-memory configuration of the SM that holds `bytes` (0 when none does).
std::uint64_t carveout_for(const Architecture& arch, std::uint64_t bytes) {
  for (auto kib : arch.shared_carveouts_kib)
    if (std::uint64_t{kib} * 1024 >= bytes) return std::uint64_t{kib} * 1024;
  return 0;
}

}  // namespace

std::string_view to_string(Limiter limiter) {
  switch (limiter) {
    case Limiter::none:
      return "none";
    case Limiter::threads:
      return "threads";
    case Limiter::registers:
      return "registers";
    case Limiter::shared_memory:
      return "shared_memory";
    case Limiter::blocks:
      return "blocks";
    case Limiter::barriers:
      return "barriers";
  }
  return "none";
}

Occupancy theoretical_occupancy(const Architecture& arch, const LaunchUsage& usage,
                                int carveout_percent) {
  Occupancy o;
  const int threads = usage.threads_per_block;
  const int warps = (threads + arch.warp_size - 1) / arch.warp_size;

  // Warp slots.
  o.blocks_by_threads =
      threads <= 0 || threads > arch.max_threads_per_block ? 0 : arch.max_warps_per_sm() / warps;
  if (threads > arch.max_threads_per_block)
    o.why_not = fmt::format("{} threads per block exceed the {} that {} allows", threads,
                            arch.max_threads_per_block, arch.name);

  // Registers: allocated per warp in units, and checked as if the block's warps were spread
  // evenly over every sub-partition (a hardware requirement).
  const std::uint64_t regs_per_warp =
      round_up(std::uint64_t(std::max(usage.registers_per_thread, 0)) * arch.warp_size,
               arch.register_allocation_unit);
  const std::uint64_t warps_rounded =
      round_up(std::uint64_t(std::max(warps, 0)), arch.sub_partitions);
  o.allocated_registers_per_block =
      static_cast<int>(regs_per_warp * std::uint64_t(std::max(warps, 0)));
  if (usage.registers_per_thread > arch.max_registers_per_thread ||
      regs_per_warp * warps_rounded > std::uint64_t(arch.registers_per_block) ||
      regs_per_warp * std::uint64_t(std::max(warps, 0)) > std::uint64_t(arch.registers_per_block)) {
    o.blocks_by_registers = 0;
    if (o.why_not.empty() && warps > 0)
      o.why_not = fmt::format(
          "{} registers per thread x {} threads need more than the {} registers a block may use "
          "on {}",
          usage.registers_per_thread, threads, arch.registers_per_block, arch.name);
  } else if (regs_per_warp == 0 || warps == 0) {
    o.blocks_by_registers = INT_MAX;
  } else {
    const std::uint64_t per_sub_partition =
        std::uint64_t(arch.registers_per_sm / arch.sub_partitions) / regs_per_warp;
    o.blocks_by_registers = static_cast<int>(
        per_sub_partition * std::uint64_t(arch.sub_partitions) / std::uint64_t(warps));
  }

  // Shared memory: static + dynamic + the reserved part, rounded to the allocation unit; above
  // the default per-block limit the launcher opts in (cudaFuncAttributeMaxDynamicSharedMemorySize).
  const std::uint64_t wanted = std::uint64_t{usage.static_shared_bytes} +
                               usage.dynamic_shared_bytes + arch.reserved_shared_per_block;
  const std::uint64_t per_block = round_up(wanted, arch.shared_allocation_unit);
  o.allocated_shared_per_block = static_cast<std::uint32_t>(per_block);
  const std::uint64_t limit =
      (wanted > arch.shared_per_block ? arch.shared_per_block_optin : arch.shared_per_block) +
      (arch.major >= 8 ? arch.reserved_shared_per_block : 0);
  if (per_block > limit) {
    o.blocks_by_shared = 0;
    if (o.why_not.empty())
      o.why_not =
          fmt::format("{} bytes of shared memory per block exceed the {} that {} allows",
                      per_block - arch.reserved_shared_per_block,
                      limit - (arch.major >= 8 ? arch.reserved_shared_per_block : 0), arch.name);
  } else {
    std::uint64_t preferred = arch.shared_per_sm;
    if (carveout_percent >= 0)
      preferred = std::uint64_t(carveout_percent) * arch.shared_per_sm / 100;
    preferred = carveout_for(arch, preferred);
    const std::uint64_t sm = preferred >= per_block ? preferred : carveout_for(arch, per_block);
    o.shared_per_sm = static_cast<std::uint32_t>(sm);
    o.blocks_by_shared = per_block > 0 ? static_cast<int>(sm / per_block) : INT_MAX;
  }

  o.blocks_by_blocks = arch.max_blocks_per_sm;

  int active = std::min(
      {o.blocks_by_registers, o.blocks_by_shared, o.blocks_by_threads, o.blocks_by_blocks});
  o.blocks_by_barriers = INT_MAX;
  if (arch.barriers_per_block_slot > 0 && usage.barriers > 0) {
    o.blocks_by_barriers = arch.max_blocks_per_sm * arch.barriers_per_block_slot / usage.barriers;
    active = std::min(active, o.blocks_by_barriers);
  }
  auto mark = [&](int limit_blocks, Limiter which) {
    if (limit_blocks == active) o.limiters |= static_cast<unsigned>(which);
  };
  mark(o.blocks_by_threads, Limiter::threads);
  mark(o.blocks_by_registers, Limiter::registers);
  mark(o.blocks_by_shared, Limiter::shared_memory);
  mark(o.blocks_by_blocks, Limiter::blocks);
  mark(o.blocks_by_barriers, Limiter::barriers);
  for (auto which : {Limiter::threads, Limiter::registers, Limiter::shared_memory, Limiter::blocks,
                     Limiter::barriers}) {
    if (o.limiters & static_cast<unsigned>(which)) {
      o.limiter = which;
      break;
    }
  }

  o.active_blocks = active;
  o.active_warps = active * warps;
  o.fraction = arch.max_warps_per_sm() > 0
                   ? static_cast<double>(o.active_warps) / arch.max_warps_per_sm()
                   : 0.0;
  if (active > 0) o.why_not.clear();
  if (active == 0 && o.why_not.empty() && arch.barriers_per_block_slot > 0)
    o.why_not =
        fmt::format("{} barriers per block exceed what {} provides", usage.barriers, arch.name);
  return o;
}

}  // namespace ktune::profiles::cuda
