#include "profiles/cuda/architecture.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/error.hpp"

namespace ktune::profiles::cuda {
namespace {

constexpr std::uint32_t kKiB = 1024;

// Device-property values (maxThreadsPerMultiProcessor, sharedMemPerMultiprocessor,
// sharedMemPerBlockOptin, reservedSharedMemPerBlock) are those of the CUDA C++ Programming
// Guide's "Compute Capabilities" table and deviceQuery output; block limits, granularities,
// carveouts and barrier counts are those of the toolkit's cuda_occupancy.h (CUDA 13.0).
// docs/CUDA.md lists them with their sources.
Architecture make(std::string examples, int major, int minor, int threads_per_sm, int blocks_per_sm,
                  std::uint32_t shared_per_sm_kib, std::uint32_t optin_kib, std::uint32_t reserved,
                  std::vector<std::uint32_t> carveouts, int barriers, int fp32_lanes) {
  Architecture a;
  a.name = fmt::format("sm_{}{}", major, minor);
  a.major = major;
  a.minor = minor;
  a.examples = std::move(examples);
  a.max_threads_per_sm = threads_per_sm;
  a.max_blocks_per_sm = blocks_per_sm;
  a.shared_per_sm = shared_per_sm_kib * kKiB;
  a.shared_per_block_optin = optin_kib * kKiB;
  a.reserved_shared_per_block = reserved;
  a.shared_allocation_unit = major >= 8 ? 128 : 256;
  a.shared_carveouts_kib = std::move(carveouts);
  a.barriers_per_block_slot = barriers;
  a.fp32_lanes_per_sm = fp32_lanes;
  return a;
}

std::vector<Architecture> build_table() {
  const std::vector<std::uint32_t> volta{0, 8, 16, 32, 64, 96};
  const std::vector<std::uint32_t> turing{32, 64};
  const std::vector<std::uint32_t> ga100{0, 8, 16, 32, 64, 100, 132, 164};
  const std::vector<std::uint32_t> small{0, 8, 16, 32, 64, 100};
  const std::vector<std::uint32_t> hopper{0, 8, 16, 32, 64, 100, 132, 164, 196, 228};
  return {
      make("V100, Titan V", 7, 0, 2048, 32, 96, 96, 0, volta, 0, 64),
      make("T4, RTX 20xx, Quadro RTX", 7, 5, 1024, 16, 64, 64, 0, turing, 0, 64),
      make("A100, A30", 8, 0, 2048, 32, 164, 163, 1024, ga100, 0, 64),
      make("RTX 30xx, A10, A40, RTX A6000", 8, 6, 1536, 16, 100, 99, 1024, small, 0, 128),
      make("Jetson AGX Orin", 8, 7, 1536, 16, 164, 163, 1024, ga100, 0, 128),
      make("RTX 40xx, L4, L40S, RTX 6000 Ada", 8, 9, 1536, 24, 100, 99, 1024, small, 0, 128),
      make("H100, H200, GH200", 9, 0, 2048, 32, 228, 227, 1024, hopper, 2, 128),
      make("B200, GB200", 10, 0, 2048, 32, 228, 227, 1024, hopper, 2, 128),
      make("RTX 50xx, RTX PRO 6000 Blackwell", 12, 0, 1536, 24, 100, 99, 1024, small, 1, 128),
  };
}

// Resident blocks per SM and barriers per block slot as cuda_occupancy.h (CUDA 13.0,
// cudaOccMaxBlocksPerMultiprocessor and cudaOccMaxBlocksPerSMBlockBarrierLimit) gives them for
// 9.0 and later, where minors of one major differ: 10.1 and 11.0 (Jetson Thor) have 24 blocks and
// one barrier per slot, the rest of 10.x and 11.x 32 and two, 12.x 24 and one.
void apply_block_limits(Architecture& a) {
  if (a.major < 9) return;
  const bool small =
      a.major == 12 || (a.major == 10 && a.minor == 1) || (a.major == 11 && a.minor == 0);
  a.max_blocks_per_sm = small ? 24 : 32;
  a.barriers_per_block_slot = small ? 1 : 2;
}

}  // namespace

const std::vector<Architecture>& known_architectures() {
  static const std::vector<Architecture> table = build_table();
  return table;
}

std::string known_architecture_names() {
  std::string names;
  for (const auto& a : known_architectures())
    names += (names.empty() ? "" : ", ") + a.name;
  return names;
}

const Architecture& find_architecture(std::string_view name) {
  std::string_view digits = name;
  if (digits.starts_with("sm_")) digits.remove_prefix(3);
  std::string compact;
  for (char c : digits)
    if (c != '.') compact += c;
  int number = 0;
  const auto [end, ec] = std::from_chars(compact.data(), compact.data() + compact.size(), number);
  if (ec == std::errc() && end == compact.data() + compact.size() && !compact.empty()) {
    for (const auto& a : known_architectures())
      if (a.major * 10 + a.minor == number) return a;
  }
  throw UsageError(fmt::format("unknown GPU architecture '{}' (accepted: {})", name,
                               known_architecture_names()));
}

Architecture architecture_for(int major, int minor) {
  const auto& table = known_architectures();
  const Architecture* best = nullptr;
  for (const auto& a : table) {
    const bool older_or_same = a.major < major || (a.major == major && a.minor <= minor);
    if (!older_or_same) continue;
    // Prefer the same major; within it (or failing it) the newest older entry.
    if (!best || (a.major == major) > (best->major == major) ||
        ((a.major == major) == (best->major == major) &&
         a.major * 10 + a.minor > best->major * 10 + best->minor))
      best = &a;
  }
  Architecture result = best ? *best : table.front();
  result.name = fmt::format("sm_{}{}", major, minor);
  result.major = major;
  result.minor = minor;
  apply_block_limits(result);
  return result;
}

}  // namespace ktune::profiles::cuda
