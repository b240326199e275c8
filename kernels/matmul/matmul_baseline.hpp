#pragma once
// The matmul CPU baseline: OpenBLAS sgemm on the problem's shape.
#include <string>
#include <vector>

#include "core/problem.hpp"
#include "kernels/baseline.hpp"
#include "kernels/family.hpp"

namespace ktune::kernels {

// OpenBLAS's build description with its version ("OpenBLAS 0.3.21 DYNAMIC_ARCH ...").
std::string openblas_version();

// `inputs` is the family's workload (A, B, C); the last run's C is copied to `output` when given
// (with beta = 1 it has accumulated every run).
BaselineResult time_openblas_sgemm(const Problem& problem, const Workload& inputs,
                                   const BaselineOptions& options,
                                   std::vector<float>* output = nullptr);

}  // namespace ktune::kernels
