#include "db/samples_text.hpp"

#include <cmath>
#include <iterator>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ktune::db {

std::string samples_text(std::span<const double> samples) {
  fmt::memory_buffer out;
  out.push_back('[');
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (i) out.push_back(',');
    const double x = samples[i];
    if (!std::isfinite(x)) {
      fmt::format_to(std::back_inserter(out), "null");
      continue;
    }
    const auto start = out.size();
    fmt::format_to(std::back_inserter(out), "{}", x);
    const std::string_view text(out.data() + start, out.size() - start);
    if (text.find_first_of(".e") == std::string_view::npos)
      fmt::format_to(std::back_inserter(out), ".0");
  }
  out.push_back(']');
  return fmt::to_string(out);
}

std::vector<double> samples_from_text(std::string_view text, NonNumbers non_numbers) {
  std::vector<double> samples;
  try {
    for (const auto& x : nlohmann::json::parse(text)) {
      if (x.is_number())
        samples.push_back(x.get<double>());
      else if (non_numbers == NonNumbers::keep_as_nan)
        samples.push_back(std::nan(""));
    }
  } catch (const nlohmann::json::exception&) {
    samples.clear();
  }
  return samples;
}

}  // namespace ktune::db
