#pragma once
// A kernel family: what the tuner needs to know about one tunable kernel, as data and code that
// needs no device — its shapes, its search space for a problem and device, how to launch a
// configuration, how much work it does, and how to check its result on the CPU.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/device_info.hpp"
#include "core/launch.hpp"
#include "core/problem.hpp"
#include "kernels/baseline.hpp"
#include "kernels/launch_spec.hpp"
#include "space/space.hpp"

namespace ktune::kernels {

// The data a family's kernels run on: the initial contents of every buffer.
struct Workload {
  std::vector<std::vector<float>> buffers;
  std::size_t output = 0;       // the buffer the kernel writes its result into
  bool output_is_read = false;  // the kernel reads the output too (beta != 0): never poisoned
};

// The expected output, computed independently on the CPU in double precision.
// Each element is checked against its own bound (kernels/verify.hpp), scaled by `magnitudes`.
struct Reference {
  std::vector<double> values;
  // Per element, the sum of the absolute values of the terms it adds up (for a product,
  // sum_k |alpha a_ik b_kj| + |beta c_ij|): the scale of that element's rounding error.
  std::vector<double> magnitudes;
  double reduction_length = 1;  // terms each element sums
  double tolerance = 0;         // largest relative L2 error accepted for fp32 arithmetic
};

class Family {
 public:
  virtual ~Family() = default;
  virtual std::string name() const = 0;          // "matmul"
  virtual std::string description() const = 0;   // one line for --help and `ktune kernels`
  virtual std::string shape_syntax() const = 0;  // "MxNxK"

  // Throws UsageError with what was wrong and what is accepted.
  virtual Problem parse_shape(std::string_view text) const = 0;
  virtual Problem default_problem() const = 0;
  // The problem of size `n` in a sweep over sizes (`ktune crossover`): matmul n x n x n; conv2d
  // the default layer on an n x n image. Throws UsageError where the family has no such series.
  virtual Problem problem_of_size(std::int64_t n) const;

  // The search space for this problem on this device: parameters with their defaults, and the
  // constraints that reject invalid combinations before anything is compiled.
  // Its bindings include size_bindings(launch(), problem).
  virtual Space space(const Problem& problem, const DeviceInfo& device) const = 0;
  // How a configuration is launched, as data (kernels/launch_spec.hpp).
  virtual const LaunchSpec& launch() const = 0;
  // The launch of `config` of a space this family built: launch() evaluated.
  virtual LaunchPlan plan(const Space& space, const Config& config) const {
    return plan_launch(launch(), space, config);
  }

  virtual double flops(const Problem& problem) const = 0;
  virtual double min_bytes(const Problem& problem) const = 0;  // compulsory DRAM traffic

  // Elements (fp32) of every buffer the kernels use, in workload order: checked against device
  // and host memory before anything is allocated.
  virtual std::vector<std::uint64_t> buffer_elements(const Problem& problem) const = 0;
  virtual Workload workload(const Problem& problem, std::uint64_t seed) const = 0;
  virtual Reference reference(const Problem& problem, const Workload& workload) const = 0;

  // The CPU baseline's methods ("openblas_sgemm"); empty when the family has none.
  virtual std::vector<std::string> baseline_methods() const { return {}; }
  // The libraries the baseline's methods run on, with their versions ("OpenBLAS 0.3.21 ..."),
  // known before anything runs: a stored baseline measured with other libraries is not reused.
  virtual std::string baseline_libraries() const { return {}; }
  // Times every method (or only options.method) on random inputs; fastest first. Throws
  // UsageError for a method the family does not have.
  virtual std::vector<BaselineResult> cpu_baseline(const Problem& problem,
                                                   const BaselineOptions& options) const;
};

// What a block may use on `device`, for a family's constraints: max_threads and min_threads
// (blocks of 64 to 512 threads, fewer where the device allows fewer: smaller ones leave GPU
// schedulers idle, larger ones leave too few registers for register blocking) and max_shared
// (bytes of shared memory per block).
Bindings block_limits(const DeviceInfo& device);

// Throws UsageError naming the accepted families.
const Family& find_family(std::string_view name);
// nullptr for a kernel that is not a built-in family (an imported recording, say).
const Family* family_named(std::string_view name);
std::vector<const Family*> all_families();

// Adds a family to the built-in ones, for a program built on ktune's libraries (the test suite's
// probe kernels, tests/integration/probe_kernels). Call it before anything looks a family up:
// the list is not locked. Throws Error when the name is taken.
void register_family(std::unique_ptr<Family> family);

}  // namespace ktune::kernels
