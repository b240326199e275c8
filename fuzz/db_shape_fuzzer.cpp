// The stored shape syntax (db::parse_shape_text, NAME=SIZE,...): the text of a problem as the
// database keeps it, as `--shape NAME=SIZE,...` gives it and as an import names it. Any text
// parses or is refused with a UsageError; what parses prints back to the same text.
#include <cstdint>
#include <cstdlib>

#include "core/problem.hpp"
#include "db/store.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = ktune::fuzz::text_of(data, size);
  ktune::fuzz::completes([&] {
    const ktune::Problem problem{"any", ktune::db::parse_shape_text(text), "f32"};
    if (ktune::db::parse_shape_text(problem.canonical()) != problem.dims) std::abort();
  });
  return 0;
}
