#include "kernels/conv2d/conv2d_family.hpp"

#include <cblas.h>

#include <algorithm>
#include <array>
#include <limits>
#include <random>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/outcome.hpp"
#include "kernels/conv2d/conv2d_baseline.hpp"
#include "kernels/conv2d/conv2d_shape.hpp"
#include "kernels/conv2d/im2col.hpp"
#include "kernels/matmul/matmul_baseline.hpp"
#include "kernels/random_values.hpp"
#include "kernels/sources.hpp"
#include "kernels/verify.hpp"

namespace ktune::kernels {
namespace {

// Parameters of each algorithm with their defaults. When ALGO selects the other algorithm, they
// are pinned to these values, so no two valid configurations compile to the same kernel.
struct Defaults {
  std::int64_t gm = 64, gn = 64, gk = 8, gtm = 4, gtn = 4;                        // igemm
  std::int64_t tk = 16, tp = 2, tq = 16, wk = 4, wq = 2, cb = 4, si = 1, sf = 1;  // direct
};

// The implicit-GEMM tiles of the default configuration: the first the device can run.
Defaults defaults_for(const DeviceInfo& device, std::int64_t min_threads,
                      std::int64_t max_threads) {
  static constexpr std::array<std::array<std::int64_t, 4>, 5> kTiles{
      {{64, 64, 4, 4}, {32, 32, 2, 2}, {32, 32, 4, 4}, {16, 16, 2, 2}, {16, 16, 4, 4}}};
  Defaults d;
  for (const auto& [gm, gn, gtm, gtn] : kTiles) {
    const std::int64_t threads = (gm / gtm) * (gn / gtn);
    const std::int64_t shared = 4 * d.gk * (gm + gn + 2);
    d.gm = gm;
    d.gn = gn;
    d.gtm = gtm;
    d.gtn = gtn;
    if (threads <= max_threads && threads >= min_threads &&
        (device.shared_memory_per_block == 0 ||
         shared <= static_cast<std::int64_t>(device.shared_memory_per_block)))
      break;
  }
  return d;
}

class Conv2dFamily final : public Family {
 public:
  std::string name() const override { return "conv2d"; }
  std::string description() const override {
    return "fp32 2-D convolution, NCHW input, KCRS filters: direct (per-tap shared staging) or "
           "implicit GEMM";
  }
  std::string shape_syntax() const override { return std::string(kConvSyntax); }

  Problem parse_shape(std::string_view text) const override {
    return parse_conv_shape(text).problem();
  }
  Problem problem_of_size(std::int64_t n) const override {
    ConvShape layer;
    layer.pad = 1;
    layer.h = layer.w = n;
    return layer.problem();
  }

  Problem default_problem() const override {
    ConvShape resnet;  // ResNet-50's conv2_x 3x3 layer
    resnet.pad = 1;
    return resnet.problem();
  }

  Space space(const Problem& problem, const DeviceInfo& device) const override {
    ConvShape::of(problem);  // validates the sizes
    Bindings bindings = size_bindings(launch(), problem);
    bindings.merge(block_limits(device));
    const Defaults d = defaults_for(device, bindings.at("min_threads"), bindings.at("max_threads"));
    std::vector<Param> params{
        Param::choice("ALGO", {"direct", "igemm"}, "igemm", "direct convolution or implicit GEMM"),
        Param::integer("GM", {16, 32, 64, 128}, d.gm, "igemm: output channels per block"),
        Param::integer("GN", {16, 32, 64, 128}, d.gn, "igemm: output pixels per block"),
        Param::integer("GK", {4, 8, 16, 32}, d.gk, "igemm: reduction (c, r, s) per step"),
        Param::integer("GTM", {1, 2, 4, 8}, d.gtm, "igemm: output channels per thread"),
        Param::integer("GTN", {1, 2, 4, 8}, d.gtn, "igemm: output pixels per thread"),
        Param::integer("TK", {4, 8, 16, 32, 64}, d.tk, "direct: output channels per block"),
        Param::integer("TP", {1, 2, 4, 8}, d.tp, "direct: output rows per block"),
        Param::integer("TQ", {4, 8, 16, 32}, d.tq, "direct: output columns per block"),
        Param::integer("WK", {1, 2, 4, 8}, d.wk, "direct: output channels per thread"),
        Param::integer("WQ", {1, 2, 4}, d.wq, "direct: output columns per thread"),
        Param::integer("CB", {1, 2, 4, 8, 16}, d.cb, "direct: input channels per step"),
        Param::boolean("SI", d.si != 0, "direct: stage each tap's input tile in shared memory"),
        Param::boolean("SF", d.sf != 0, "direct: stage each tap's filter values in shared memory")};
    Space space(std::move(params), std::move(bindings));
    // Parameters of the algorithm not chosen keep their defaults.
    for (const auto& [name, value] :
         {std::pair{"GM", d.gm}, std::pair{"GN", d.gn}, std::pair{"GK", d.gk},
          std::pair{"GTM", d.gtm}, std::pair{"GTN", d.gtn}})
      space.add_constraint(fmt::format("ALGO == igemm || {} == {}", name, value));
    for (const auto& [name, value] :
         {std::pair{"TK", d.tk}, std::pair{"TP", d.tp}, std::pair{"TQ", d.tq},
          std::pair{"WK", d.wk}, std::pair{"WQ", d.wq}, std::pair{"CB", d.cb},
          std::pair{"SI", d.si}, std::pair{"SF", d.sf}})
      space.add_constraint(fmt::format("ALGO == direct || {} == {}", name, value));
    space.add_constraint("ALGO == direct || (GM / GTM) * (GN / GTN) <= max_threads");
    space.add_constraint("ALGO == direct || (GM / GTM) * (GN / GTN) >= min_threads");
    space.add_constraint("ALGO == direct || 4 * GK * (GM + GN + 2) <= max_shared");
    space.add_constraint("ALGO == igemm || TK % WK == 0");
    space.add_constraint("ALGO == igemm || (TK / WK) * TP * (TQ / WQ) <= max_threads");
    space.add_constraint("ALGO == igemm || (TK / WK) * TP * (TQ / WQ) >= min_threads");
    // Without staging, the channel step only splits a loop: pin it.
    space.add_constraint(fmt::format("ALGO == igemm || SI || SF || CB == {}", d.cb));
    space.add_constraint("ALGO == igemm || 4 * CB * (SI * TP * TQ + SF * TK) <= max_shared");
    return space;
  }

  const LaunchSpec& launch() const override {
    using Arg = LaunchArgument;
    static const LaunchSpec spec{
        {{"N", "n"},
         {"C", "c"},
         {"H", "h"},
         {"W", "w"},
         {"K", "k"},
         {"R", "r"},
         {"S", "s"},
         {"stride", "stride"},
         {"pad", "pad"},
         {"dil", "dil"}},
        {{"P", "(H + 2 * pad - dil * (R - 1) - 1) / stride + 1"},
         {"Q", "(W + 2 * pad - dil * (S - 1) - 1) / stride + 1"}},
        {{"conv2d/conv2d_direct.cl",
          "conv2d",
          "ALGO == direct",
          {"TK", "TP", "TQ", "WK", "WQ", "CB", "SI", "SF"}},
         {"conv2d/conv2d_igemm.cl", "conv2d", "ALGO == igemm", {"GM", "GN", "GK", "GTM", "GTN"}}},
        "ALGO == direct ? (TK / WK) * TP * (TQ / WQ) : (GM / GTM) * (GN / GTN)",
        "ALGO == direct ? N * ceil_div(K, TK) * ceil_div(P, TP) * ceil_div(Q, TQ)"
        " : ceil_div(K, GM) * ceil_div(N * P * Q, GN)",
        "0",
        {{Arg::Kind::int32, "n", "N"},
         {Arg::Kind::int32, "c", "C"},
         {Arg::Kind::int32, "h", "H"},
         {Arg::Kind::int32, "w", "W"},
         {Arg::Kind::int32, "k", "K"},
         {Arg::Kind::int32, "r", "R"},
         {Arg::Kind::int32, "s", "S"},
         {Arg::Kind::int32, "p", "P"},
         {Arg::Kind::int32, "q", "Q"},
         {Arg::Kind::int32, "stride", "stride"},
         {Arg::Kind::int32, "pad", "pad"},
         {Arg::Kind::int32, "dil", "dil"},
         {Arg::Kind::buffer, "X", "", 0, true},
         {Arg::Kind::buffer, "F", "", 1, true},
         {Arg::Kind::buffer, "Y", "", 2, false}},
        {}};
    return spec;
  }

  double flops(const Problem& problem) const override {
    const auto sh = ConvShape::of(problem);
    return 2.0 * static_cast<double>(sh.output_elements()) * static_cast<double>(sh.reduction());
  }
  double min_bytes(const Problem& problem) const override {
    const auto sh = ConvShape::of(problem);
    return 4.0 *
           static_cast<double>(sh.input_elements() + sh.filter_elements() + sh.output_elements());
  }

  std::vector<std::uint64_t> buffer_elements(const Problem& problem) const override {
    const auto sh = ConvShape::of(problem);
    return {static_cast<std::uint64_t>(sh.input_elements()),
            static_cast<std::uint64_t>(sh.filter_elements()),
            static_cast<std::uint64_t>(sh.output_elements())};
  }

  Workload workload(const Problem& problem, std::uint64_t seed) const override {
    std::mt19937_64 rng(seed);
    Workload w;
    for (auto size : buffer_elements(problem))
      w.buffers.push_back(random_values(size, rng));
    w.output = 2;
    return w;
  }

  // Per image: im2col in double precision, then dgemm (OpenBLAS).
  Reference reference(const Problem& problem, const Workload& w) const override {
    const auto sh = ConvShape::of(problem);
    const std::int64_t pq = sh.p() * sh.q(), image = sh.c * sh.h * sh.w;
    const std::vector<double> filters(w.buffers[1].begin(), w.buffers[1].end());
    std::vector<double> cols(static_cast<std::size_t>(sh.reduction() * pq));
    Reference ref;
    ref.values.resize(static_cast<std::size_t>(sh.output_elements()));
    for (std::int64_t n = 0; n < sh.n; ++n) {
      im2col<double, float>(sh, std::span(w.buffers[0]).subspan(n * image, image), cols);
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(sh.k),
                  static_cast<int>(pq), static_cast<int>(sh.reduction()), 1.0, filters.data(),
                  static_cast<int>(sh.reduction()), cols.data(), static_cast<int>(pq), 0.0,
                  ref.values.data() + n * sh.k * pq, static_cast<int>(pq));
    }
    // The magnitudes: the same convolution of |input| with |filters|, in fp32 (no cancellation).
    const auto abs_input = absolute_values(w.buffers[0]),
               abs_filters = absolute_values(w.buffers[1]);
    std::vector<float> abs_cols(cols.size()), magnitudes(ref.values.size());
    for (std::int64_t n = 0; n < sh.n; ++n) {
      im2col<float, float>(sh, std::span<const float>(abs_input).subspan(n * image, image),
                           abs_cols);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(sh.k),
                  static_cast<int>(pq), static_cast<int>(sh.reduction()), 1.0f, abs_filters.data(),
                  static_cast<int>(sh.reduction()), abs_cols.data(), static_cast<int>(pq), 0.0f,
                  magnitudes.data() + n * sh.k * pq, static_cast<int>(pq));
    }
    ref.magnitudes.assign(magnitudes.begin(), magnitudes.end());
    ref.reduction_length = static_cast<double>(sh.reduction());
    ref.tolerance = fp32_tolerance(static_cast<double>(sh.reduction()));
    return ref;
  }

  std::vector<std::string> baseline_methods() const override {
    if (have_onednn()) return {"onednn", "im2col_sgemm"};
    return {"im2col_sgemm"};
  }

  std::string baseline_libraries() const override {
    const std::string blas = openblas_version();
    return have_onednn() ? onednn_version() + "; " + blas : blas;
  }

  std::vector<BaselineResult> cpu_baseline(const Problem& problem,
                                           const BaselineOptions& options) const override {
    const auto methods = baseline_methods();
    if (!options.method.empty() &&
        std::find(methods.begin(), methods.end(), options.method) == methods.end())
      throw UsageError(fmt::format("{}: not a CPU baseline of conv2d (accepted: {})",
                                   options.method, fmt::join(methods, ", ")));
    const auto sh = ConvShape::of(problem);
    const Workload inputs = workload(problem, options.seed);
    std::vector<BaselineResult> results;
    for (const auto& method : methods) {
      if (!options.method.empty() && method != options.method) continue;
      results.push_back(method == "onednn" ? time_onednn_conv(sh, inputs, options)
                                           : time_im2col_sgemm(sh, inputs, options));
    }
    std::sort(results.begin(), results.end(),
              [](const auto& a, const auto& b) { return a.time.median < b.time.median; });
    return results;
  }
};

}  // namespace

std::unique_ptr<Family> make_conv2d_family() {
  return std::make_unique<Conv2dFamily>();
}

}  // namespace ktune::kernels
