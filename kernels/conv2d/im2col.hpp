#pragma once
// im2col for one image: the CRS x PQ matrix whose column (p, q) holds every input value output
// (p, q) multiplies, zeros where a filter tap reads padding. A convolution of image n is then the
// matrix product F (K x CRS) * cols (CRS x PQ) = Y[n] (K x PQ).
#include <algorithm>
#include <cstdint>
#include <span>

#include "kernels/conv2d/conv2d_shape.hpp"

namespace ktune::kernels {

// `image` is one CHW image; `cols` has reduction() * p() * q() elements.
template <typename Out, typename In>
void im2col(const ConvShape& sh, std::span<const In> image, std::span<Out> cols) {
  const std::int64_t P = sh.p(), Q = sh.q();
#pragma omp parallel for schedule(static)
  for (std::int64_t row = 0; row < sh.reduction(); ++row) {
    const std::int64_t c = row / (sh.r * sh.s);
    const std::int64_t r = (row / sh.s) % sh.r;
    const std::int64_t s = row % sh.s;
    const In* plane = image.data() + c * sh.h * sh.w;
    // Output columns q whose input column x = q*stride - pad + s*dil lies in [0, w).
    const std::int64_t x0 = s * sh.dil - sh.pad;
    const std::int64_t q_begin =
        std::clamp<std::int64_t>(x0 >= 0 ? 0 : (-x0 + sh.stride - 1) / sh.stride, 0, Q);
    const std::int64_t q_end =
        std::clamp<std::int64_t>(x0 >= sh.w ? 0 : (sh.w - 1 - x0) / sh.stride + 1, q_begin, Q);
    for (std::int64_t p = 0; p < P; ++p) {
      Out* out = cols.data() + (row * P + p) * Q;
      const std::int64_t y = p * sh.stride - sh.pad + r * sh.dil;
      if (y < 0 || y >= sh.h) {
        std::fill(out, out + Q, Out{0});
        continue;
      }
      std::fill(out, out + q_begin, Out{0});
      const In* in = plane + y * sh.w;
      for (std::int64_t q = q_begin; q < q_end; ++q)
        out[q] = static_cast<Out>(in[x0 + q * sh.stride]);
      std::fill(out + q_end, out + Q, Out{0});
    }
  }
}

// Whether im2col of this shape is the image itself (1x1 filter, stride 1, no padding).
inline bool im2col_is_identity(const ConvShape& sh) {
  return sh.r == 1 && sh.s == 1 && sh.stride == 1 && sh.pad == 0;
}

}  // namespace ktune::kernels
