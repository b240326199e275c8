#include "kernels/family.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace ktune::kernels {

std::vector<BaselineResult> Family::cpu_baseline(const Problem& /*problem*/,
                                                 const BaselineOptions& /*options*/) const {
  throw UsageError(fmt::format("kernel '{}' has no CPU baseline", name()));
}

}  // namespace ktune::kernels
