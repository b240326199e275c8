// The exported JSON table reader (runtime/tuned_table): the <kernel>.json that `ktune export`
// writes and TunedConfigs::from_export reads back. Any bytes are read or refused with a
// UsageError naming the field; what is read holds finite positive times, sizes >= 0 and
// configurations of NAME=VALUE pairs, and writes back out as JSON.
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_support.hpp"
#include "runtime/tuned_table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ktune::runtime;
  ktune::fuzz::completes([&] {
    const auto table = parse_tuned_table(ktune::fuzz::text_of(data, size), "fuzz-input.json");
    for (const auto& e : table.entries) {
      if (!std::isfinite(e.median_ms) || e.median_ms <= 0) std::abort();
      for (const auto& [name, value] : e.problem.dims)
        if (value < 0) std::abort();
      if (split_config(e.config) != e.values) std::abort();
    }
    (void)to_json(table).dump();
  });
  return 0;
}
