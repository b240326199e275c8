#include "kernels/matmul/matmul_shape.hpp"

#include <vector>

#include "kernels/shape.hpp"

namespace ktune::kernels {

Problem matmul_problem(std::int64_t m, std::int64_t n, std::int64_t k, std::int64_t beta) {
  Problem p{"matmul", {{"m", m}, {"n", n}, {"k", k}}, "f32"};
  if (beta != 0) p.dims.emplace_back("beta", beta);  // beta = 0 keeps the plain canonical text
  return p;
}

Problem parse_matmul_shape(std::string_view text) {
  check_shape_text(text, kMatmulSyntax);
  const auto comma = text.find(',');
  const std::string_view head = text.substr(0, comma);
  if (head.find('=') != std::string_view::npos) {
    static const std::vector<FieldSpec> kFields{{"m", 0, 1, kMatmulMaxDim, true},
                                                {"n", 0, 1, kMatmulMaxDim, true},
                                                {"k", 0, 1, kMatmulMaxDim, true},
                                                {"beta", 0, 0, 1, false}};
    const auto f = parse_fields(text, kFields, kMatmulSyntax);
    return matmul_problem(f.values[0], f.values[1], f.values[2], f.values[3]);
  }
  const auto dims = parse_dims(head, 3, kMatmulSyntax);
  std::int64_t beta = 0;
  if (comma != std::string_view::npos) {
    static const std::vector<FieldSpec> kTail{{"beta", 0, 0, 1, false}};
    beta = parse_fields(text.substr(comma + 1), kTail, kMatmulSyntax).values[0];
  }
  return matmul_problem(dims[0], dims[1], dims[2], beta);
}

}  // namespace ktune::kernels
