#pragma once
// Which configuration to run for a kernel, a problem and a device, from what the database holds.
// The rules, in order, and the result always says which one answered:
//   1. exact              the fastest correct configuration tuned for this shape on this device;
//   2. nearest_shape      the fastest configuration of the nearest tuned shape on this device
//                         that passes the constraints for the requested shape;
//   3. same_architecture  the same two rules over other devices of the same architecture;
//   4. default_config     the kernel's default configuration;
//   5. none               nothing known (an imported kernel without a family, say).
// Shape distance: the sum over the sizes of |ln(a / b)| (0 for the same shape; ln 2 = 0.69 for a
// shape with one size doubled or halved; exp(distance) is the combined size ratio). Only shapes
// with the same family, data type and size names are compared.
//
// db/ knows no kernel families: re-checking constraints and the default configuration come in
// as functions (the CLI wires them to kernels::find_family(...).space(problem, device)). This is
// the piece the runtime library reuses.
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/device_info.hpp"
#include "core/problem.hpp"
#include "db/store.hpp"

namespace ktune::db {

struct FamilyRules {
  // Why `config` is not valid for `problem` on `device`; nullopt when it is valid. Unset: tuned
  // configurations of other shapes are taken without re-checking (and the result says so).
  std::function<std::optional<std::string>(std::string_view kernel, const Problem& problem,
                                           const DeviceInfo& device, const std::string& config)>
      violation;
  // The kernel's default configuration (canonical text); nullopt when the kernel is unknown.
  std::function<std::optional<std::string>(std::string_view kernel, const Problem& problem,
                                           const DeviceInfo& device)>
      default_config;
};

enum class LookupRule { exact, nearest_shape, same_architecture, default_config, none };
std::string_view to_string(LookupRule rule);

struct LookupRequest {
  std::string kernel;  // family name: matmul, or an imported kernel's name
  Problem problem;
  // The device to answer for. Nullopt with an empty architecture: the best of any stored device.
  std::optional<DeviceInfo> device{};
  std::string device_fingerprint{};  // identifies the stored device; default device->fingerprint()
  std::string architecture{};        // for rule 3; default device->architecture
  double max_distance = std::numeric_limits<double>::infinity();
  std::size_t candidates_per_shape = 32;  // configurations of a tuned shape tried, best first
  std::size_t max_shapes = 64;            // tuned shapes tried per rule, nearest first
};

// The measurement behind an answer.
struct LookupSource {
  std::int64_t measurement = 0;
  std::int64_t session = 0;
  Problem problem;  // the tuned shape
  std::int64_t device_id = 0;
  std::string device;
  std::string architecture;
  double median_ms = 0;
  std::optional<double> ci_low_ms;
  std::optional<double> ci_high_ms;
  std::int64_t runs = 0;
  std::string created_at;
  std::size_t rank = 1;  // 1: the fastest configuration of that shape; 2: the runner-up; ...
};

// A tuned configuration passed over because it breaks the constraints of the requested shape.
struct Rejection {
  std::string problem;
  std::string config;
  std::string reason;
};

struct LookupResult {
  LookupRule rule = LookupRule::none;
  std::string config;  // canonical; empty for `none`
  std::optional<LookupSource> source;
  double distance = 0;     // between the tuned and the requested shape
  bool rechecked = false;  // the constraints of the requested shape were checked
  std::string explanation;
  std::vector<Rejection> rejected;
};

// Sum over the sizes of |ln(a / b)|; infinity when the size names differ or a size is not positive.
double shape_distance(const Problem& a, const Problem& b);

class Lookup {
 public:
  explicit Lookup(const Store& store, FamilyRules rules = {});
  LookupResult best(const LookupRequest& request) const;

 private:
  struct Target;
  std::optional<LookupResult> search(const LookupRequest& request, const Target& target,
                                     const std::vector<std::int64_t>* devices,
                                     LookupRule nearest_rule, LookupResult& partial) const;

  const Store& store_;
  FamilyRules rules_;
};

}  // namespace ktune::db
