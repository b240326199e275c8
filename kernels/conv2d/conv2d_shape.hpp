#pragma once
// The shape of a 2-D convolution: NCHW input, KCRS filters, NKPQ output, one stride, padding and
// dilation for both spatial dimensions.
#include <cstdint>
#include <string_view>

#include "core/problem.hpp"

namespace ktune::kernels {

struct ConvShape {
  std::int64_t n = 1, c = 64, h = 56, w = 56, k = 64, r = 3, s = 3, stride = 1, pad = 0, dil = 1;

  std::int64_t p() const { return (h + 2 * pad - dil * (r - 1) - 1) / stride + 1; }  // out rows
  std::int64_t q() const { return (w + 2 * pad - dil * (s - 1) - 1) / stride + 1; }  // out cols
  std::int64_t input_elements() const { return n * c * h * w; }
  std::int64_t filter_elements() const { return k * c * r * s; }
  std::int64_t output_elements() const { return n * k * p() * q(); }
  std::int64_t reduction() const { return c * r * s; }  // products summed into each output

  Problem problem() const;
  static ConvShape of(const Problem& problem);
};

inline constexpr std::string_view kConvSyntax =
    "n=N,c=C,h=H,w=W,k=K,r=R,s=S,stride=U,pad=P,dil=D; omitted keys default to n=1,c=64,h=56,"
    "w=56,k=64,r=3,s=r,stride=1,pad=0,dil=1";

// Parses and validates a conv2d shape. Throws UsageError for zero or negative sizes, stride or
// dilation 0, a filter larger than the padded input, unknown or repeated keys, and tensors too
// large for 32-bit indexing.
ConvShape parse_conv_shape(std::string_view text);

}  // namespace ktune::kernels
