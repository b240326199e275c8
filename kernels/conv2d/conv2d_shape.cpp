#include "kernels/conv2d/conv2d_shape.hpp"

#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "kernels/shape.hpp"

namespace ktune::kernels {
namespace {

// Each tensor stays below 2^31 elements with room for a block's overhang, so kernels index
// with 32-bit arithmetic within a tensor; spatial extents stay far from overflow as well.
constexpr double kMaxElements = 2147483648.0 - 65536.0;
constexpr std::int64_t kMaxExtent = std::int64_t{1} << 29;

void check_elements(std::string_view text, const char* what, double elements) {
  if (elements > kMaxElements)
    throw UsageError(
        fmt::format("{}: the {} would have {:.0f} elements, more than ktune's kernels index "
                    "({:.0f}; expected {})",
                    text, what, elements, kMaxElements, kConvSyntax));
}

}  // namespace

Problem ConvShape::problem() const {
  return Problem{"conv2d",
                 {{"n", n},
                  {"c", c},
                  {"h", h},
                  {"w", w},
                  {"k", k},
                  {"r", r},
                  {"s", s},
                  {"stride", stride},
                  {"pad", pad},
                  {"dil", dil}},
                 "f32"};
}

ConvShape ConvShape::of(const Problem& p) {
  return ConvShape{p.dim("n"), p.dim("c"), p.dim("h"),      p.dim("w"),   p.dim("k"),
                   p.dim("r"), p.dim("s"), p.dim("stride"), p.dim("pad"), p.dim("dil")};
}

ConvShape parse_conv_shape(std::string_view text) {
  check_shape_text(text, kConvSyntax);
  const ConvShape d;
  static const std::vector<FieldSpec> kFields{
      {"n", d.n}, {"c", d.c}, {"h", d.h},           {"w", d.w},        {"k", d.k},
      {"r", d.r}, {"s", d.s}, {"stride", d.stride}, {"pad", d.pad, 0}, {"dil", d.dil}};
  const auto f = parse_fields(text, kFields, kConvSyntax);
  ConvShape shape{f.values[0], f.values[1], f.values[2], f.values[3], f.values[4],
                  f.values[5], f.values[6], f.values[7], f.values[8], f.values[9]};
  if (!f.given[6]) shape.s = shape.r;  // a square filter unless told otherwise

  auto check_extent = [&](const char* filter, std::int64_t size, const char* image,
                          std::int64_t extent) {
    const double span = static_cast<double>(shape.dil) * static_cast<double>(size - 1) + 1;
    if (extent + 2 * shape.pad > kMaxExtent)
      throw UsageError(fmt::format("{}: {} + 2*pad = {} is too large (at most {})", text, image,
                                   extent + 2 * shape.pad, kMaxExtent));
    if (span > static_cast<double>(extent + 2 * shape.pad))
      throw UsageError(fmt::format(
          "{}: the filter spans {:.0f} {} ({}={}, dil={}), more than the padded input's "
          "{} ({}={} + 2*pad={})",
          text, span, filter[0] == 'r' ? "rows" : "columns", filter, size, shape.dil,
          extent + 2 * shape.pad, image, extent, 2 * shape.pad));
  };
  check_extent("r", shape.r, "h", shape.h);
  check_extent("s", shape.s, "w", shape.w);
  const double n = static_cast<double>(shape.n), c = static_cast<double>(shape.c),
               k = static_cast<double>(shape.k);
  check_elements(text, "input",
                 n * c * static_cast<double>(shape.h) * static_cast<double>(shape.w));
  check_elements(text, "filter",
                 k * c * static_cast<double>(shape.r) * static_cast<double>(shape.s));
  check_elements(text, "output",
                 n * k * static_cast<double>(shape.p()) * static_cast<double>(shape.q()));
  return shape;
}

}  // namespace ktune::kernels
