#pragma once
// im2col for one image: the CRS x PQ matrix whose column (p, q) holds every input value output
// (p, q) multiplies, zeros where a filter tap reads padding. A convolution of image n is then the
// matrix product F (K x CRS) * cols (CRS x PQ) = Y[n] (K x PQ).
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
    Out* out = cols.data() + row * P * Q;
    const In* plane = image.data() + c * sh.h * sh.w;
    for (std::int64_t p = 0; p < P; ++p) {
      const std::int64_t y = p * sh.stride - sh.pad + r * sh.dil;
      for (std::int64_t q = 0; q < Q; ++q) {
        const std::int64_t x = q * sh.stride - sh.pad + s * sh.dil;
        out[p * Q + q] = (y >= 0 && y < sh.h && x >= 0 && x < sh.w)
                             ? static_cast<Out>(plane[y * sh.w + x])
                             : Out{0};
      }
    }
  }
}

// Whether im2col of this shape is the image itself (1x1 filter, stride 1, no padding).
inline bool im2col_is_identity(const ConvShape& sh) {
  return sh.r == 1 && sh.s == 1 && sh.stride == 1 && sh.pad == 0;
}

}  // namespace ktune::kernels
