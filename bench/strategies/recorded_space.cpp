#include "bench/strategies/recorded_space.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>

#include "profiles/replay/dataset_reader.hpp"
#include "profiles/replay/replay_evaluator.hpp"

namespace ktune::bench {

RecordedSpace load_recorded_space(const std::string& file,
                                  const std::vector<std::string>& restricts) {
  RecordedSpace d;
  std::filesystem::path path = file;
  if (!path.has_parent_path()) path = std::filesystem::path(KTUNE_DATASETS_DIR) / file;
  d.name = path.filename().string();
  d.name = d.name.substr(0, d.name.find(".json"));
  d.data = profiles::replay::read_dataset(path);
  d.space = profiles::replay::dataset_space(d.data);
  for (const auto& r : restricts)
    d.space.add_constraint(r);
  d.index = std::make_shared<const SpaceIndex>(d.space, d.space.enumerate());
  profiles::replay::ReplayEvaluator lookup(d.data);
  d.optimum = std::numeric_limits<double>::infinity();
  for (const auto& c : d.index->configs())
    if (const auto* e = lookup.entry(c); e && e->time_ms)
      d.optimum = std::min(d.optimum, *e->time_ms);
  d.budget = d.name.find("gemm") != std::string::npos ? 1000 : 500;
  return d;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) items.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

const std::vector<std::string>& default_datasets() {
  static const std::vector<std::string> files{
      "gemm_RTX_2080_Ti.json.gz", "convolution_A4000.json.gz",
      "convolution_legacy_RTX_2080_Ti.json.gz", "convolution_A100_T4.json.gz"};
  return files;
}

}  // namespace ktune::bench
