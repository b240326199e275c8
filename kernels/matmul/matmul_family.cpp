#include "kernels/matmul/matmul_family.hpp"

#include <cblas.h>

#include <cmath>
#include <random>

#include <fmt/format.h>

#include "kernels/shape.hpp"
#include "kernels/sources.hpp"

namespace ktune::kernels {
namespace {

constexpr float kAlpha = 1.0f;
constexpr float kBeta = 0.0f;

class MatmulFamily final : public Family {
 public:
  std::string name() const override { return "matmul"; }
  std::string description() const override {
    return "fp32 C = alpha*A*B + beta*C, row-major, tiled through shared memory";
  }
  std::string shape_syntax() const override { return "MxNxK"; }

  Problem parse_shape(std::string_view text) const override {
    auto dims = parse_dims(text, 3, "MxNxK, e.g. 1024x1024x1024");
    return make_problem(dims[0], dims[1], dims[2]);
  }
  Problem default_problem() const override { return make_problem(1024, 1024, 1024); }

  tuner::Space space(const Problem& problem, const DeviceInfo& device) const override {
    tuner::Space space({tuner::Param::integer("TS", {8, 16, 32}, 16, "tile edge in M, N and K"),
                        tuner::Param::integer("WPT", {1, 2, 4, 8}, 1, "columns of C per thread")},
                       {{"M", problem.dim("m")},
                        {"N", problem.dim("n")},
                        {"K", problem.dim("k")},
                        {"max_threads", device.max_threads_per_block},
                        {"max_shared", static_cast<std::int64_t>(device.shared_memory_per_block)}});
    space.add_constraint("TS % WPT == 0");
    space.add_constraint("TS * TS / WPT <= max_threads");
    space.add_constraint("2 * TS * TS * 4 <= max_shared");
    return space;
  }

  LaunchPlan plan(const tuner::Space& space, const tuner::Config& config,
                  const Problem& problem) const override {
    const auto ts = space.value(config, "TS");
    const auto wpt = space.value(config, "WPT");
    const auto m = problem.dim("m"), n = problem.dim("n"), k = problem.dim("k");
    LaunchPlan plan;
    plan.source = {"matmul",
                   assemble("kernels/matmul/matmul.cl"),
                   {{"TS", std::to_string(ts)}, {"WPT", std::to_string(wpt)}},
                   {}};
    plan.geometry.block = {static_cast<std::uint32_t>(ts / wpt), static_cast<std::uint32_t>(ts), 1};
    plan.geometry.grid = {static_cast<std::uint32_t>((n + ts - 1) / ts),
                          static_cast<std::uint32_t>((m + ts - 1) / ts), 1};
    plan.args = {static_cast<std::int32_t>(m),
                 static_cast<std::int32_t>(n),
                 static_cast<std::int32_t>(k),
                 kAlpha,
                 kBeta,
                 BufferArg{0},
                 BufferArg{1},
                 BufferArg{2}};
    return plan;
  }

  double flops(const Problem& p) const override {
    return 2.0 * static_cast<double>(p.dim("m")) * static_cast<double>(p.dim("n")) *
           static_cast<double>(p.dim("k"));
  }
  double min_bytes(const Problem& p) const override {
    const double m = static_cast<double>(p.dim("m")), n = static_cast<double>(p.dim("n")),
                 k = static_cast<double>(p.dim("k"));
    return 4.0 * (m * k + k * n + m * n);  // read A and B, write C (beta = 0: C is not read)
  }

  std::vector<std::uint64_t> buffer_elements(const Problem& p) const override {
    const auto m = static_cast<std::uint64_t>(p.dim("m")),
               n = static_cast<std::uint64_t>(p.dim("n")),
               k = static_cast<std::uint64_t>(p.dim("k"));
    return {m * k, k * n, m * n};
  }

  Workload workload(const Problem& p, std::uint64_t seed) const override {
    const auto sizes = buffer_elements(p);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    Workload w;
    for (std::size_t b = 0; b < 2; ++b) {
      std::vector<float> data(sizes[b]);
      for (auto& x : data)
        x = dist(rng);
      w.buffers.push_back(std::move(data));
    }
    w.buffers.emplace_back(sizes[2], 0.0f);
    w.output = 2;
    w.output_is_read = kBeta != 0.0f;
    return w;
  }

  Reference reference(const Problem& p, const Workload& w) const override {
    const auto m = p.dim("m"), n = p.dim("n"), k = p.dim("k");
    const std::vector<double> a(w.buffers[0].begin(), w.buffers[0].end());
    const std::vector<double> b(w.buffers[1].begin(), w.buffers[1].end());
    Reference ref;
    ref.values.assign(w.buffers[2].begin(), w.buffers[2].end());
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(m), static_cast<int>(n),
                static_cast<int>(k), kAlpha, a.data(), static_cast<int>(k), b.data(),
                static_cast<int>(n), kBeta, ref.values.data(), static_cast<int>(n));
    // fp32 accumulation over K terms of random sign: the error grows like sqrt(K) * epsilon.
    ref.tolerance = std::max(1e-5, 16.0 * std::ldexp(1.0, -23) * std::sqrt(static_cast<double>(k)));
    return ref;
  }

 private:
  static Problem make_problem(std::int64_t m, std::int64_t n, std::int64_t k) {
    return Problem{"matmul", {{"m", m}, {"n", n}, {"k", k}}, "f32"};
  }
};

}  // namespace

std::unique_ptr<Family> make_matmul_family() {
  return std::make_unique<MatmulFamily>();
}

}  // namespace ktune::kernels
