#pragma once
// The shape of a matmul: C (MxN) = alpha * A (MxK) * B (KxN) + beta * C.
#include <cstdint>
#include <string_view>

#include "core/problem.hpp"

namespace ktune::kernels {

inline constexpr std::string_view kMatmulSyntax =
    "MxNxK or MxNxK,beta=1 (also m=M,n=N,k=K[,beta=0|1]), e.g. 1024x1024x1024";
// Index arithmetic in the kernels stays in int32.
inline constexpr std::int64_t kMatmulMaxDim = std::int64_t{1} << 30;

// The problem of sizes m, n, k; beta 0 (C is overwritten) or 1 (C is accumulated into).
Problem matmul_problem(std::int64_t m, std::int64_t n, std::int64_t k, std::int64_t beta);

// Parses "MxNxK[,beta=0|1]" or "m=M,n=N,k=K[,beta=0|1]". Throws UsageError naming the bad part
// and the syntax.
Problem parse_matmul_shape(std::string_view text);

}  // namespace ktune::kernels
