#include <cblas.h>
#include <omp.h>

#include "kernels/conv2d/conv2d_baseline.hpp"
#include "kernels/conv2d/im2col.hpp"

namespace ktune::kernels {

BaselineResult time_im2col_sgemm(const ConvShape& sh, const Workload& inputs,
                                 const BaselineOptions& options, std::vector<float>* output) {
  const auto& x = inputs.buffers.at(0);
  const auto& f = inputs.buffers.at(1);
  std::vector<float> y(static_cast<std::size_t>(sh.output_elements()));
  const bool identity = im2col_is_identity(sh);
  const std::int64_t pq = sh.p() * sh.q();
  const std::int64_t image = sh.c * sh.h * sh.w;
  std::vector<float> cols(identity ? 0 : static_cast<std::size_t>(sh.reduction() * pq));

  BaselineResult result;
  result.method = "im2col_sgemm";
  result.library = std::string("im2col (OpenMP) + ") + openblas_get_config();
  result.threads = resolve_threads(options.threads);
  const int previous_blas = openblas_get_num_threads();
  const int previous_omp = omp_get_max_threads();
  openblas_set_num_threads(result.threads);
  omp_set_num_threads(result.threads);
  result.samples_ms = time_cpu(
      [&] {
        for (std::int64_t n = 0; n < sh.n; ++n) {
          const std::span<const float> in(x.data() + n * image, static_cast<std::size_t>(image));
          if (!identity) im2col<float, float>(sh, in, cols);
          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(sh.k),
                      static_cast<int>(pq), static_cast<int>(sh.reduction()), 1.0f, f.data(),
                      static_cast<int>(sh.reduction()), identity ? in.data() : cols.data(),
                      static_cast<int>(pq), 0.0f, y.data() + n * sh.k * pq, static_cast<int>(pq));
        }
      },
      options);
  openblas_set_num_threads(previous_blas);
  omp_set_num_threads(previous_omp);
  summarize_result(result, 2.0 * static_cast<double>(sh.output_elements()) *
                               static_cast<double>(sh.reduction()));
  if (output) *output = std::move(y);
  return result;
}

}  // namespace ktune::kernels
