#include "kernels/matmul/matmul_baseline.hpp"

#include <cblas.h>

namespace ktune::kernels {

std::string openblas_version() {
  return openblas_get_config();
}

BaselineResult time_openblas_sgemm(const Problem& problem, const Workload& inputs,
                                   const BaselineOptions& options, std::vector<float>* output) {
  const auto m = static_cast<int>(problem.dim("m")), n = static_cast<int>(problem.dim("n")),
             k = static_cast<int>(problem.dim("k"));
  const float beta = static_cast<float>(problem.find("beta").value_or(0));
  const auto& a = inputs.buffers.at(0);
  const auto& b = inputs.buffers.at(1);
  auto c = inputs.buffers.at(2);

  BaselineResult result;
  result.method = "openblas_sgemm";
  result.library = openblas_get_config();
  result.threads = resolve_threads(options.threads);
  const int previous = openblas_get_num_threads();
  openblas_set_num_threads(result.threads);
  result.samples_ms = time_cpu(
      [&] {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a.data(), k, b.data(),
                    n, beta, c.data(), n);
      },
      options);
  openblas_set_num_threads(previous);
  summarize_result(result, 2.0 * m * static_cast<double>(n) * k);
  if (output) *output = std::move(c);
  return result;
}

}  // namespace ktune::kernels
