#include "core/crossover.hpp"

namespace ktune {

std::optional<double> CrossoverPoint::end_to_end_ms() const {
  if (!kernel_ms || !transfer_ms) return std::nullopt;
  return *kernel_ms + *transfer_ms;
}

std::optional<double> CrossoverPoint::speedup_kernel() const {
  if (!kernel_ms || !cpu_ms || *kernel_ms <= 0) return std::nullopt;
  return *cpu_ms / *kernel_ms;
}

std::optional<double> CrossoverPoint::speedup_end_to_end() const {
  const auto total = end_to_end_ms();
  if (!total || !cpu_ms || *total <= 0) return std::nullopt;
  return *cpu_ms / *total;
}

std::optional<std::int64_t> crossover_size(std::span<const CrossoverPoint> points,
                                           bool end_to_end) {
  std::optional<std::int64_t> from;
  for (const auto& p : points) {
    const auto speedup = end_to_end ? p.speedup_end_to_end() : p.speedup_kernel();
    if (speedup && *speedup > 1) {
      if (!from) from = p.size;
    } else {
      from.reset();
    }
  }
  return from;
}

}  // namespace ktune
