#include <cblas.h>
#include <omp.h>

#include <algorithm>

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
  const std::int64_t cols_per_image = identity ? 0 : sh.reduction() * pq;
  // im2col of a whole chunk of images in one parallel region, then one sgemm per image: the
  // OpenMP and OpenBLAS thread pools take turns once per chunk instead of once per image (each
  // spins for a while after its work, and on few cores they would fight).
  const std::int64_t chunk =
      identity ? sh.n
               : std::clamp<std::int64_t>((std::int64_t{64} << 20) / (4 * cols_per_image), 1, sh.n);
  std::vector<float> cols(static_cast<std::size_t>(chunk * cols_per_image));

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
        for (std::int64_t first = 0; first < sh.n; first += chunk) {
          const std::int64_t count = std::min(chunk, sh.n - first);
          if (!identity) {
            for (std::int64_t i = 0; i < count; ++i)  // each im2col is a parallel region
              im2col<float, float>(sh,
                                   std::span<const float>(x.data() + (first + i) * image,
                                                          static_cast<std::size_t>(image)),
                                   std::span<float>(cols.data() + i * cols_per_image,
                                                    static_cast<std::size_t>(cols_per_image)));
          }
          for (std::int64_t i = 0; i < count; ++i) {
            const float* b =
                identity ? x.data() + (first + i) * image : cols.data() + i * cols_per_image;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(sh.k),
                        static_cast<int>(pq), static_cast<int>(sh.reduction()), 1.0f, f.data(),
                        static_cast<int>(sh.reduction()), b, static_cast<int>(pq), 0.0f,
                        y.data() + (first + i) * sh.k * pq, static_cast<int>(pq));
          }
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
