#pragma once
// Reads recorded searches: Kernel Tuner cache files and T4 files, gzip-compressed or plain
// (formats in docs/DATASETS.md).
#include <filesystem>
#include <string>
#include <string_view>

#include "core/recorded_dataset.hpp"

namespace ktune::profiles::replay {

// Throws UsageError naming the file, the field (and its entry) and what is wrong with it: a
// missing, empty, truncated or oversized file, text that is not UTF-8 or not JSON, nesting deeper
// than 64 levels, an unknown format, a value of the wrong type, an entry without its parameters,
// a time that is not greater than 0 and at most 1e9 ms, a cost below 0, a problem size below 1.
RecordedDataset read_dataset(const std::filesystem::path& path);
// The same from the file's bytes (gzip or plain); `source` names it in errors and in the result.
RecordedDataset parse_dataset(std::string_view bytes, const std::string& source);

}  // namespace ktune::profiles::replay
