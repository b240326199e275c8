#pragma once
// The metric set ktune collects on one chip, ready for the range profiler: resolved against the
// chip's own metric list (metric_catalog.hpp), every name validated by CUPTI, the config image
// built, the passes counted. Evaluates decoded counter data back into ktune metrics.
// Everything here is the CUPTI Profiler Host API, which needs no GPU: `ktune metrics` and the CI
// tests use it offline from a chip name.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/evaluation.hpp"
#include "profiles/cuda/cupti/metric_catalog.hpp"

namespace ktune::profiles::cuda::cupti {

struct MetricRequest {
  bool flops = false;              // add the instruction-based FLOP counts (their own pass)
  std::vector<std::string> extra;  // CUPTI metric names asked for by name (--metric)
};

struct MetricProperties {
  std::string description;
  std::string hardware_unit;  // "dram", "sm", ...
  std::string dimension;      // "byte", "nanosecond", "percent", ...
};

class MetricConfig {
 public:
  // Throws UsageError for a chip this CUPTI does not know (naming the ones it knows) or an extra
  // metric the chip does not have; CuptiError when CUPTI fails otherwise. `availability`: the
  // device's counter-availability image (empty offline).
  MetricConfig(const std::string& chip, const MetricRequest& request,
               std::span<const std::uint8_t> availability = {});
  ~MetricConfig();
  MetricConfig(MetricConfig&&) noexcept;
  MetricConfig& operator=(MetricConfig&&) noexcept;

  const std::string& chip() const;
  const Resolution& resolution() const;
  const std::vector<std::string>& cupti_names() const;  // what the config image collects
  const std::vector<std::uint8_t>& config_image() const;
  std::size_t passes() const;

  MetricProperties properties(const std::string& cupti_name) const;

  // The metrics of one range of a decoded counter-data image (source: measured).
  std::vector<Metric> evaluate(std::span<const std::uint8_t> counter_data, std::size_t range) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The chips this CUPTI knows ("GA100", "GH100", ...), in CUPTI's order.
std::vector<std::string> supported_chips();

// `name` in CUPTI's spelling of a supported chip ("gh100" -> "GH100"). Throws UsageError naming
// the supported chips.
std::string canonical_chip(const std::string& name);

// Every base metric of the chip, sorted (for `ktune metrics --all`).
std::vector<std::string> chip_base_metrics(const std::string& chip);

}  // namespace ktune::profiles::cuda::cupti
