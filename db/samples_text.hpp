#pragma once
// The samples_ms columns (measurements, finalists, transfers, CPU baselines): one JSON array of
// milliseconds, written and read here only. Internal to db/.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ktune::db {

// Each sample in the shortest text that reads back to the same double, always a JSON float
// (2.0, not 2); a sample that is not finite is stored as null.
std::string samples_text(std::span<const double> samples);

enum class NonNumbers {
  skip,         // what statistics are computed from: the numbers only
  keep_as_nan,  // every stored position, as exported
};

// The samples of a stored column; text that is not a JSON array reads as no samples.
std::vector<double> samples_from_text(std::string_view text, NonNumbers non_numbers);

}  // namespace ktune::db
