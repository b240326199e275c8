#include "profiles/cuda/cupti/metric_config.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "core/error.hpp"
#include "profiles/cuda/cuda_api.hpp"
#include "profiles/cuda/cupti/cupti_check.hpp"
#include "profiles/cuda/cupti/host_object.hpp"

namespace ktune::profiles::cuda::cupti {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::vector<const char*> c_strings(const std::vector<std::string>& names) {
  std::vector<const char*> out;
  out.reserve(names.size());
  for (const auto& n : names)
    out.push_back(n.c_str());
  return out;
}

std::optional<MetricProperties> query_properties(const HostObject& host, const std::string& name) {
  auto p = params<CUpti_Profiler_Host_GetMetricProperties_Params>(
      CUpti_Profiler_Host_GetMetricProperties_Params_STRUCT_SIZE);
  p.pHostObject = host.get();
  p.pMetricName = name.c_str();
  const CUptiResult status = api().cuptiProfilerHostGetMetricProperties(&p);
  if (status == CUPTI_ERROR_INVALID_METRIC_NAME) return std::nullopt;
  check(status, "cuptiProfilerHostGetMetricProperties");
  auto text = [](const char* s) { return s ? std::string(s) : std::string(); };
  return MetricProperties{text(p.pDescription), text(p.pHwUnit), text(p.pDimUnit)};
}

std::vector<std::uint8_t> build_config_image(const HostObject& host,
                                             const std::vector<std::string>& names) {
  auto c_names = c_strings(names);
  auto add = params<CUpti_Profiler_Host_ConfigAddMetrics_Params>(
      CUpti_Profiler_Host_ConfigAddMetrics_Params_STRUCT_SIZE);
  add.pHostObject = host.get();
  add.ppMetricNames = c_names.data();
  add.numMetrics = c_names.size();
  KTUNE_CUPTI(cuptiProfilerHostConfigAddMetrics, add);

  auto size = params<CUpti_Profiler_Host_GetConfigImageSize_Params>(
      CUpti_Profiler_Host_GetConfigImageSize_Params_STRUCT_SIZE);
  size.pHostObject = host.get();
  KTUNE_CUPTI(cuptiProfilerHostGetConfigImageSize, size);

  std::vector<std::uint8_t> image(size.configImageSize);
  auto get = params<CUpti_Profiler_Host_GetConfigImage_Params>(
      CUpti_Profiler_Host_GetConfigImage_Params_STRUCT_SIZE);
  get.pHostObject = host.get();
  get.configImageSize = image.size();
  get.pConfigImage = image.data();
  KTUNE_CUPTI(cuptiProfilerHostGetConfigImage, get);
  return image;
}

std::size_t count_passes(std::vector<std::uint8_t>& image) {
  auto p = params<CUpti_Profiler_Host_GetNumOfPasses_Params>(
      CUpti_Profiler_Host_GetNumOfPasses_Params_STRUCT_SIZE);
  p.configImageSize = image.size();
  p.pConfigImage = image.data();
  KTUNE_CUPTI(cuptiProfilerHostGetNumOfPasses, p);
  return p.numOfPasses;
}

}  // namespace

struct MetricConfig::Impl {
  std::string chip;
  HostObject host;
  Resolution resolution;
  std::vector<std::string> cupti_names;
  std::vector<std::uint8_t> image;
  std::size_t passes = 0;

  Impl(std::string chip_name, std::span<const std::uint8_t> availability)
      : chip(std::move(chip_name)), host(chip, availability) {}
};

MetricConfig::MetricConfig(const std::string& chip, const MetricRequest& request,
                           std::span<const std::uint8_t> availability)
    // On a device the chip name comes from CUPTI itself and the availability image lets CUPTI
    // handle chips newer than its list; offline, the name must be one CUPTI lists.
    : impl_(std::make_unique<Impl>(availability.empty() ? canonical_chip(chip) : chip,
                                   availability)) {
  auto& s = *impl_;
  const auto base = base_metrics(s.host);
  const auto wanted = default_metric_set(request.flops);
  s.resolution = resolve(wanted, s.chip, [&](std::string_view b) { return base.contains(b); });

  // CUPTI rejects a bad name in a list without saying which: validate each one first.
  for (const auto& name : request.extra) {
    auto properties = query_properties(s.host, name);
    if (!properties)
      throw UsageError(fmt::format(
          "metric '{}' is not a metric of {} (a full name is one of the chip's base metrics "
          "with a rollup such as .sum, .avg or .max)",
          name, s.chip));
    s.resolution.metrics.push_back(
        {name, properties->dimension, properties->description, {{name, 1}}});
  }
  s.cupti_names = s.resolution.cupti_names();
  for (const auto& name : s.cupti_names)
    if (!query_properties(s.host, name))
      throw Error(fmt::format("CUPTI on {} rejects ktune's metric {}", s.chip, name));
  if (s.cupti_names.empty())
    throw Error(fmt::format("{} has none of the metrics ktune collects", s.chip));
  s.image = build_config_image(s.host, s.cupti_names);
  s.passes = count_passes(s.image);
}

MetricConfig::~MetricConfig() = default;
MetricConfig::MetricConfig(MetricConfig&&) noexcept = default;
MetricConfig& MetricConfig::operator=(MetricConfig&&) noexcept = default;

const std::string& MetricConfig::chip() const {
  return impl_->chip;
}
const Resolution& MetricConfig::resolution() const {
  return impl_->resolution;
}
const std::vector<std::string>& MetricConfig::cupti_names() const {
  return impl_->cupti_names;
}
const std::vector<std::uint8_t>& MetricConfig::config_image() const {
  return impl_->image;
}
std::size_t MetricConfig::passes() const {
  return impl_->passes;
}

MetricProperties MetricConfig::properties(const std::string& cupti_name) const {
  auto p = query_properties(impl_->host, cupti_name);
  if (!p) throw UsageError(fmt::format("{} is not a metric of {}", cupti_name, impl_->chip));
  return *p;
}

std::vector<Metric> MetricConfig::evaluate(std::span<const std::uint8_t> counter_data,
                                           std::size_t range) const {
  auto names = c_strings(impl_->cupti_names);
  std::vector<double> values(names.size());
  auto p = params<CUpti_Profiler_Host_EvaluateToGpuValues_Params>(
      CUpti_Profiler_Host_EvaluateToGpuValues_Params_STRUCT_SIZE);
  p.pHostObject = impl_->host.get();
  p.pCounterDataImage = counter_data.data();
  p.counterDataImageSize = counter_data.size();
  p.rangeIndex = range;
  p.ppMetricNames = names.data();
  p.numMetrics = names.size();
  p.pMetricValues = values.data();
  KTUNE_CUPTI(cuptiProfilerHostEvaluateToGpuValues, p);
  return combine(impl_->resolution, values);
}

std::vector<std::string> supported_chips() {
  auto p = params<CUpti_Profiler_Host_GetSupportedChips_Params>(
      CUpti_Profiler_Host_GetSupportedChips_Params_STRUCT_SIZE);
  KTUNE_CUPTI(cuptiProfilerHostGetSupportedChips, p);
  return {p.ppChipNames, p.ppChipNames + p.numChips};
}

std::string canonical_chip(const std::string& name) {
  const auto chips = supported_chips();
  auto upper = name;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (std::find(chips.begin(), chips.end(), upper) != chips.end()) return upper;
  throw UsageError(fmt::format("unknown chip '{}' (this CUPTI knows: {})", name, join(chips)));
}

std::vector<std::string> chip_base_metrics(const std::string& chip) {
  HostObject host(canonical_chip(chip));
  const auto names = base_metrics(host);
  return {names.begin(), names.end()};
}

}  // namespace ktune::profiles::cuda::cupti
