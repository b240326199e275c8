#include "kernels/matmul/matmul_family.hpp"

#include <cblas.h>

#include <array>
#include <cmath>
#include <limits>
#include <random>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/outcome.hpp"
#include "kernels/matmul/matmul_baseline.hpp"
#include "kernels/matmul/matmul_shape.hpp"
#include "kernels/random_values.hpp"
#include "kernels/sources.hpp"
#include "kernels/verify.hpp"

namespace ktune::kernels {
namespace {

constexpr float kAlpha = 1.0f;

// The geometry of the default configuration: the first that the device can run. Big devices get
// 64x64 tiles with 4x4 per thread; small ones smaller blocks.
struct DefaultTiles {
  std::int64_t bm, bn, tm, tn;
};

DefaultTiles default_tiles(const DeviceInfo& device, std::int64_t min_threads,
                           std::int64_t max_threads) {
  static constexpr std::array<DefaultTiles, 5> kCandidates{
      {{64, 64, 4, 4}, {32, 32, 2, 2}, {32, 32, 4, 4}, {16, 16, 2, 2}, {16, 16, 4, 4}}};
  for (const auto& c : kCandidates) {
    const std::int64_t threads = (c.bm / c.tm) * (c.bn / c.tn);
    const std::int64_t shared = 4 * 8 * (c.bm + 1 + c.bn);
    if (threads <= max_threads && threads >= min_threads &&
        (device.shared_memory_per_block == 0 ||
         shared <= static_cast<std::int64_t>(device.shared_memory_per_block)))
      return c;
  }
  return kCandidates.back();
}

// Threads of one SM, for the launch-bounds constraint (CUDA compute capability tables).
std::int64_t max_threads_per_sm(const DeviceInfo& device) {
  const auto& arch = device.architecture;
  if (arch == "sm_86" || arch == "sm_87" || arch == "sm_89" || arch == "sm_120" || arch == "sm_121")
    return 1536;
  if (arch == "sm_75") return 1024;
  return 2048;
}

class MatmulFamily final : public Family {
 public:
  std::string name() const override { return "matmul"; }
  std::string description() const override {
    return "fp32 C = alpha*A*B + beta*C, row-major: block and register tiling, shared-memory "
           "staging, vector loads, double buffering";
  }
  std::string shape_syntax() const override { return std::string(kMatmulSyntax); }

  Problem parse_shape(std::string_view text) const override { return parse_matmul_shape(text); }
  Problem default_problem() const override { return matmul_problem(1024, 1024, 1024, 0); }
  Problem problem_of_size(std::int64_t n) const override { return matmul_problem(n, n, n, 0); }

  Space space(const Problem& problem, const DeviceInfo& device) const override {
    Bindings bindings = size_bindings(launch(), problem);
    bindings.merge(block_limits(device));
    bindings["max_threads_per_sm"] = max_threads_per_sm(device);
    const auto d = default_tiles(device, bindings.at("min_threads"), bindings.at("max_threads"));
    const bool cuda = device.backend == "cuda";
    using Values = std::vector<std::int64_t>;
    std::vector<Param> params{
        Param::integer("BM", {16, 32, 64, 128}, d.bm, "rows of C per block"),
        Param::integer("BN", {16, 32, 64, 128}, d.bn, "columns of C per block"),
        Param::integer("BK", {8, 16, 32}, kDefaultBk, "depth of one K step"),
        Param::integer("TM", {1, 2, 4, 8}, d.tm, "rows of C per thread (register blocking)"),
        Param::integer("TN", {1, 2, 4, 8}, d.tn, "columns of C per thread (register blocking)"),
        Param::boolean("SA", true, "stage tiles of A through shared memory"),
        Param::boolean("SB", true, "stage tiles of B through shared memory"),
        Param::integer("VW", {1, 2, 4}, 4, "width of the global loads that fill shared tiles"),
        Param::integer("PAD", {0, 1}, 1,
                       "floats of padding per row of the (transposed) shared A tile"),
        Param::boolean("DB", false, "double-buffer the shared tiles"),
        Param::integer("UNROLL", {1, 2, 4, 8}, 4, "unroll factor of the loop over a K step"),
        Param::integer("MAXRREG", cuda ? Values{0, 64, 128} : Values{0}, 0,
                       "CUDA only: --maxrregcount (0: the compiler's choice)"),
        Param::integer("MINB", cuda ? Values{0, 2, 4} : Values{0}, 0,
                       "CUDA only: __launch_bounds__ minimum blocks per SM (0: none)")};
    Space space(std::move(params), std::move(bindings));
    space.add_constraint("(BM / TM) * (BN / TN) <= max_threads");
    space.add_constraint("(BM / TM) * (BN / TN) >= min_threads");
    // Register blocking is the point: every thread computes at least 4 values of C.
    space.add_constraint("TM * TN >= 4");
    // Without a staged operand the staging parameters have no effect: pin them. Padding only
    // matters for the A tile, which is stored transposed (strided); B rows are stored as they are.
    space.add_constraint(fmt::format("SA || SB || BK == {}", kDefaultBk));
    space.add_constraint("SA || SB || (VW == 1 && DB == 0)");
    space.add_constraint("SA || PAD == 0");
    space.add_constraint("BK % VW == 0 && BN % VW == 0");
    space.add_constraint("BK % UNROLL == 0");
    space.add_constraint("4 * (DB + 1) * (SA * BK * (BM + PAD) + SB * BK * BN) <= max_shared");
    // --maxrregcount is ignored for kernels with launch bounds: one or the other.
    space.add_constraint("MAXRREG == 0 || MINB == 0");
    space.add_constraint("MINB * (BM / TM) * (BN / TN) <= max_threads_per_sm");
    return space;
  }

  const LaunchSpec& launch() const override {
    using Arg = LaunchArgument;
    static const LaunchSpec spec{
        {{"M", "m"}, {"N", "n"}, {"K", "k"}, {"beta", "beta", 0, false}},
        {},
        {{"matmul/matmul.cl",
          "matmul",
          "1",
          {"BM", "BN", "BK", "TM", "TN", "VW", "SA", "SB", "PAD", "DB", "UNROLL", "MINB"}}},
        "(BM / TM) * (BN / TN)",
        "ceil_div(M, BM) * ceil_div(N, BN)",
        "0",
        {{Arg::Kind::int32, "m", "M"},
         {Arg::Kind::int32, "n", "N"},
         {Arg::Kind::int32, "k", "K"},
         {Arg::Kind::float32, "alpha", "1"},
         {Arg::Kind::float32, "beta", "beta"},
         {Arg::Kind::buffer, "A", "", 0, true},
         {Arg::Kind::buffer, "B", "", 1, true},
         {Arg::Kind::buffer, "C", "", 2, false}},
        {{"MAXRREG > 0", "--maxrregcount=", "MAXRREG"}}};
    return spec;
  }

  double flops(const Problem& p) const override {
    return 2.0 * static_cast<double>(p.dim("m")) * static_cast<double>(p.dim("n")) *
           static_cast<double>(p.dim("k"));
  }
  double min_bytes(const Problem& p) const override {
    const double m = static_cast<double>(p.dim("m")), n = static_cast<double>(p.dim("n")),
                 k = static_cast<double>(p.dim("k"));
    // Read A and B, write C, and read C too when beta != 0.
    return 4.0 * (m * k + k * n + m * n * (beta(p) != 0 ? 2 : 1));
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
    Workload w;
    for (auto size : sizes)
      w.buffers.push_back(random_values(size, rng));
    w.output = 2;
    w.output_is_read = beta(p) != 0;
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
                static_cast<int>(n), static_cast<double>(beta(p)), ref.values.data(),
                static_cast<int>(n));
    // The magnitudes: |alpha| |A| |B| + |beta| |C|, in fp32 (no cancellation, so exact enough
    // for a scale, and sgemm costs half of the dgemm above).
    const auto abs_a = absolute_values(w.buffers[0]), abs_b = absolute_values(w.buffers[1]);
    auto magnitudes = absolute_values(w.buffers[2]);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(m), static_cast<int>(n),
                static_cast<int>(k), std::abs(kAlpha), abs_a.data(), static_cast<int>(k),
                abs_b.data(), static_cast<int>(n), std::abs(static_cast<float>(beta(p))),
                magnitudes.data(), static_cast<int>(n));
    ref.magnitudes.assign(magnitudes.begin(), magnitudes.end());
    ref.reduction_length = static_cast<double>(k);
    ref.tolerance = fp32_tolerance(static_cast<double>(k));
    return ref;
  }

  std::vector<std::string> baseline_methods() const override { return {"openblas_sgemm"}; }
  std::string baseline_libraries() const override { return openblas_version(); }
  std::vector<BaselineResult> cpu_baseline(const Problem& problem,
                                           const BaselineOptions& options) const override {
    if (!options.method.empty() && options.method != "openblas_sgemm")
      throw UsageError(fmt::format("{}: not a CPU baseline of matmul (accepted: openblas_sgemm)",
                                   options.method));
    return {time_openblas_sgemm(problem, workload(problem, options.seed), options)};
  }

 private:
  static constexpr std::int64_t kDefaultBk = 8;

  static std::int64_t beta(const Problem& p) { return p.find("beta").value_or(0); }
};

}  // namespace

std::unique_ptr<Family> make_matmul_family() {
  return std::make_unique<MatmulFamily>();
}

}  // namespace ktune::kernels
