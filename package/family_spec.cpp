#include "package/family_spec.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace ktune::package {

const FamilySpec& family_spec(const std::string& kernel) {
  static const FamilySpec matmul{
      "matmul",
      {"m", "n", "k"},
      {"matmul/matmul.cl"},
      "",
      {{"M", "s.m"}, {"N", "s.n"}, {"K", "s.k"}},
      R"(  g.threads = (c.v[P_BM] / c.v[P_TM]) * (c.v[P_BN] / c.v[P_TN]);
  g.blocks = ((s.m + c.v[P_BM] - 1) / c.v[P_BM]) * ((s.n + c.v[P_BN] - 1) / c.v[P_BN]);)",
      "0",
      {{"float", "alpha"},
       {"float", "beta"},
       {"const float*", "A"},
       {"const float*", "B"},
       {"float*", "C"}},
      "static_cast<int>(s.m), static_cast<int>(s.n), static_cast<int>(s.k), alpha, beta, A, B, C"};
  static const FamilySpec conv2d{
      "conv2d",
      {"n", "c", "h", "w", "k", "r", "s", "stride", "pad", "dil"},
      {"conv2d/conv2d_direct.cl", "conv2d/conv2d_igemm.cl"},
      R"(inline std::int64_t output_rows(const Shape& s) {
  return (s.h + 2 * s.pad - s.dil * (s.r - 1) - 1) / s.stride + 1;
}
inline std::int64_t output_columns(const Shape& s) {
  return (s.w + 2 * s.pad - s.dil * (s.s - 1) - 1) / s.stride + 1;
}
)",
      {{"N", "s.n"},
       {"C", "s.c"},
       {"H", "s.h"},
       {"W", "s.w"},
       {"K", "s.k"},
       {"R", "s.r"},
       {"S", "s.s"},
       {"P", "output_rows(s)"},
       {"Q", "output_columns(s)"},
       {"stride", "s.stride"},
       {"pad", "s.pad"},
       {"dil", "s.dil"}},
      R"(  const std::int64_t p = output_rows(s), q = output_columns(s);
  if (c.v[P_ALGO] == ALGO_direct) {
    g.threads = (c.v[P_TK] / c.v[P_WK]) * c.v[P_TP] * (c.v[P_TQ] / c.v[P_WQ]);
    g.blocks = s.n * ((s.k + c.v[P_TK] - 1) / c.v[P_TK]) * ((p + c.v[P_TP] - 1) / c.v[P_TP]) *
               ((q + c.v[P_TQ] - 1) / c.v[P_TQ]);
  } else {
    g.threads = (c.v[P_GM] / c.v[P_GTM]) * (c.v[P_GN] / c.v[P_GTN]);
    g.blocks = ((s.k + c.v[P_GM] - 1) / c.v[P_GM]) * ((s.n * p * q + c.v[P_GN] - 1) / c.v[P_GN]);
  })",
      "c.v[P_ALGO] == ALGO_direct ? 0 : 1",
      {{"const float*", "X"}, {"const float*", "F"}, {"float*", "Y"}},
      "static_cast<int>(s.n), static_cast<int>(s.c), static_cast<int>(s.h), "
      "static_cast<int>(s.w), static_cast<int>(s.k), static_cast<int>(s.r), "
      "static_cast<int>(s.s), static_cast<int>(output_rows(s)), "
      "static_cast<int>(output_columns(s)), static_cast<int>(s.stride), "
      "static_cast<int>(s.pad), static_cast<int>(s.dil), X, F, Y"};
  if (kernel == "matmul") return matmul;
  if (kernel == "conv2d") return conv2d;
  throw UsageError(fmt::format(
      "ktune export: kernel '{}' cannot be exported (accepted: matmul, conv2d)", kernel));
}

}  // namespace ktune::package
