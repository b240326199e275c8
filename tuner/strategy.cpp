#include "tuner/strategy.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "tuner/strategies/exhaustive.hpp"

namespace ktune::tuner {

const std::vector<std::string>& strategy_names() {
  static const std::vector<std::string> names{"exhaustive"};
  return names;
}

std::unique_ptr<Strategy> make_strategy(std::string_view name, const Space& space,
                                        const std::vector<Config>& valid, std::uint64_t seed) {
  (void)space;
  (void)seed;
  if (name == "exhaustive") return std::make_unique<ExhaustiveStrategy>(valid);
  std::string accepted;
  for (const auto& n : strategy_names())
    accepted += (accepted.empty() ? "" : ", ") + n;
  throw UsageError(fmt::format("unknown strategy '{}' (accepted: {})", name, accepted));
}

}  // namespace ktune::tuner
