#pragma once
// Lookup in a variant's list of metrics (core::Evaluation::metrics).
#include <optional>
#include <span>
#include <string_view>

#include "core/evaluation.hpp"

namespace ktune::profiles::metrics {

inline const Metric* find_metric(std::span<const Metric> metrics, std::string_view name) {
  for (const auto& m : metrics)
    if (m.name == name) return &m;
  return nullptr;
}

inline std::optional<double> metric_value(std::span<const Metric> metrics, std::string_view name) {
  if (const auto* m = find_metric(metrics, name)) return m->value;
  return std::nullopt;
}

}  // namespace ktune::profiles::metrics
