#pragma once
// The conv2d CPU baselines: oneDNN's convolution, and im2col + OpenBLAS sgemm.
#include <string>
#include <vector>

#include "kernels/baseline.hpp"
#include "kernels/conv2d/conv2d_shape.hpp"
#include "kernels/family.hpp"

namespace ktune::kernels {

// True when ktune was built with oneDNN.
bool have_onednn();
// "oneDNN 2.6.0"; empty without oneDNN.
std::string onednn_version();
// oneDNN forward convolution, inference, NCHW in and out; the library picks its preferred
// activation layout and the timed run includes the reorders into and out of it (the weights are
// reordered once, before timing, as an inference runtime does).
// `inputs` is the family's workload (input, filters, output); the last run's output is copied to
// `output` when given.
BaselineResult time_onednn_conv(const ConvShape& shape, const Workload& inputs,
                                const BaselineOptions& options,
                                std::vector<float>* output = nullptr);
// Per image: im2col (OpenMP-parallel; skipped for 1x1 stride-1 unpadded filters) then sgemm.
BaselineResult time_im2col_sgemm(const ConvShape& shape, const Workload& inputs,
                                 const BaselineOptions& options,
                                 std::vector<float>* output = nullptr);

}  // namespace ktune::kernels
