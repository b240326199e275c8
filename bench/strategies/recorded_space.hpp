#pragma once
// A recorded GPU search loaded for the strategy benchmarks: the dataset, its space (optionally
// restricted), the index the strategies search, the optimum and the evaluation budget.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/recorded_dataset.hpp"
#include "space/space.hpp"
#include "space/space_index.hpp"

namespace ktune::bench {

struct RecordedSpace {
  std::string name;  // the file name without .json(.gz)
  RecordedDataset data;
  Space space;
  std::shared_ptr<const SpaceIndex> index;
  double optimum = 0;      // ms, over the (restricted) space
  std::size_t budget = 0;  // evaluations: 1000 for GEMM, 500 otherwise, as in peers.md
};

// `file` is a path, or a file name in the repository's datasets/ folder.
RecordedSpace load_recorded_space(const std::string& file,
                                  const std::vector<std::string>& restricts = {});

// The comma-separated items of `text`.
std::vector<std::string> split_list(const std::string& text);

// The datasets the benchmarks replay by default.
const std::vector<std::string>& default_datasets();

}  // namespace ktune::bench
