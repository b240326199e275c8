#pragma once
// Reads recorded searches: Kernel Tuner cache files and T4 files, gzip-compressed or plain
// (formats in docs/DATASETS.md).
#include <filesystem>

#include "core/recorded_dataset.hpp"

namespace ktune::profiles::replay {

// Throws UsageError naming the file and what is wrong with it (missing, not JSON, unknown
// format, an entry without its parameters).
RecordedDataset read_dataset(const std::filesystem::path& path);

}  // namespace ktune::profiles::replay
