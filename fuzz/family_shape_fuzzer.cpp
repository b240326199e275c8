// The built-in families' shape syntax (kernels/shape, the families' parse_shape): "1024x512x256",
// "m=..,n=..,k=..", "n=8,c=64,h=56,...". Any text parses or is refused with a UsageError; what
// parses is within the limits the kernels index with, and its canonical text parses back to it.
#include <cstdint>
#include <cstdlib>

#include "fuzz/fuzz_support.hpp"
#include "kernels/conv2d/conv2d_shape.hpp"
#include "kernels/matmul/matmul_shape.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ktune::kernels;
  const auto text = ktune::fuzz::text_of(data, size);

  ktune::fuzz::completes([&] {
    const auto problem = parse_matmul_shape(text);
    for (const auto& [name, value] : problem.dims)
      if (value < 0 || value > (std::int64_t{1} << 30)) std::abort();
    if (!(parse_matmul_shape(problem.canonical()) == problem)) std::abort();
  });

  ktune::fuzz::completes([&] {
    const auto shape = parse_conv_shape(text);
    if (shape.p() < 1 || shape.q() < 1 || shape.output_elements() >= (std::int64_t{1} << 31) ||
        shape.input_elements() >= (std::int64_t{1} << 31) ||
        shape.filter_elements() >= (std::int64_t{1} << 31))
      std::abort();
    if (!(parse_conv_shape(shape.problem().canonical()).problem() == shape.problem())) std::abort();
  });
  return 0;
}
