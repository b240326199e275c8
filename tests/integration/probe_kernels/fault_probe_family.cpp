// fault_probe: a kernel family that exists only in the test program ktune_probe (the ktune
// command line with this family registered), for faults that no built-in kernel commits: with
// ENDLESS=1 the kernel never ends, with WILD=1 it writes 128 TiB below its output buffer. Every
// other configuration computes y = 2x + 1 and is verified like any family's. Tests run it through
// the real command line, so a tune meets the faults where a user's would: in the OpenCL runtime.
#include <cmath>
#include <memory>
#include <random>

#include <fmt/format.h>

#include "core/error.hpp"
#include "kernels/family.hpp"
#include "kernels/random_values.hpp"
#include "kernels/shape.hpp"
#include "kernels/verify.hpp"

namespace ktune::kernels {
namespace {

// OpenCL C (the probe runs on the OpenCL backend only).
constexpr const char* kSource = R"CL(
#ifndef ENDLESS
#define ENDLESS 0
#endif
#ifndef WILD
#define WILD 0
#endif
__kernel void fault_probe(int n, __global const float* restrict x, __global float* restrict y) {
  const long i = get_global_id(0);
#if ENDLESS
  /* A constant condition and volatile stores: the compiler may not assume the loop ends. */
  volatile __global float* spin = y;
  for (;;) spin[0] += 1.0f;
#endif
#if WILD
  /* 2^45 floats (128 TiB) below y: past the bottom of a 47-bit user address space, never
   * mapped, whatever address the buffer has. */
  y[i - ((long)1 << 45)] = 1.0f;
#endif
  if (i < n) y[i] = 2.0f * x[i] + 1.0f;
}
)CL";

constexpr const char* kSyntax = "N (elements, e.g. 4096)";

class FaultProbeFamily final : public Family {
 public:
  std::string name() const override { return "fault_probe"; }
  std::string description() const override {
    return "test only: y = 2x + 1, or (ENDLESS, WILD) a kernel that never ends or writes far out "
           "of bounds";
  }
  std::string shape_syntax() const override { return kSyntax; }

  Problem parse_shape(std::string_view text) const override {
    check_shape_text(text, kSyntax);
    return problem(parse_dims(text, 1, kSyntax)[0]);
  }
  Problem default_problem() const override { return problem(4096); }

  Space space(const Problem& p, const DeviceInfo& device) const override {
    Bindings bindings = size_bindings(launch(), p);
    bindings.merge(block_limits(device));
    Space space({Param::integer("WG", {16, 32, 64}, 32, "work-items per work-group"),
                 Param::boolean("ENDLESS", false, "the kernel never ends"),
                 Param::boolean("WILD", false, "the kernel writes far out of bounds")},
                std::move(bindings));
    space.add_constraint("WG <= max_threads");
    return space;
  }

  // What plan() builds; the source is not an embedded file, so nothing else may use it.
  const LaunchSpec& launch() const override {
    using Arg = LaunchArgument;
    static const LaunchSpec spec{{{"N", "n"}},
                                 {},
                                 {{"(test program)", "fault_probe", "1", {"ENDLESS", "WILD"}}},
                                 "WG",
                                 "ceil_div(N, WG)",
                                 "0",
                                 {{Arg::Kind::int32, "n", "N"},
                                  {Arg::Kind::buffer, "x", "", 0, true},
                                  {Arg::Kind::buffer, "y", "", 1, false}},
                                 {}};
    return spec;
  }

  LaunchPlan plan(const Space& space, const Config& config) const override {
    const std::int64_t n = space.bindings().at("N"), wg = space.value(config, "WG");
    LaunchPlan plan;
    plan.source.entry = "fault_probe";
    plan.source.code = kSource;
    for (const char* name : {"ENDLESS", "WILD"})
      plan.source.defines.push_back({name, std::to_string(space.value(config, name))});
    plan.geometry.block = {static_cast<std::uint32_t>(wg), 1, 1};
    plan.geometry.grid = {static_cast<std::uint32_t>((n + wg - 1) / wg), 1, 1};
    plan.args = {static_cast<std::int32_t>(n), BufferArg{0}, BufferArg{1}};
    return plan;
  }

  double flops(const Problem& p) const override { return 2.0 * static_cast<double>(p.dim("n")); }
  double min_bytes(const Problem& p) const override {
    return 8.0 * static_cast<double>(p.dim("n"));
  }
  std::vector<std::uint64_t> buffer_elements(const Problem& p) const override {
    const auto n = static_cast<std::uint64_t>(p.dim("n"));
    return {n, n};
  }
  Workload workload(const Problem& p, std::uint64_t seed) const override {
    std::mt19937_64 rng(seed);
    Workload w;
    w.buffers.push_back(random_values(static_cast<std::size_t>(p.dim("n")), rng));
    w.buffers.emplace_back(static_cast<std::size_t>(p.dim("n")), 0.0f);
    w.output = 1;
    return w;
  }
  Reference reference(const Problem& /*p*/, const Workload& w) const override {
    Reference ref;
    for (const float x : w.buffers[0]) {
      ref.values.push_back(2.0 * x + 1.0);
      ref.magnitudes.push_back(std::abs(2.0 * x) + 1.0);
    }
    ref.tolerance = fp32_tolerance(1);
    return ref;
  }

 private:
  static Problem problem(std::int64_t n) { return {"fault_probe", {{"n", n}}, "f32"}; }
};

[[maybe_unused]] const bool kRegistered = [] {
  register_family(std::make_unique<FaultProbeFamily>());
  return true;
}();

}  // namespace
}  // namespace ktune::kernels
