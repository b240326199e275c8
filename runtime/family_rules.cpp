#include "runtime/family_rules.hpp"

#include <stdexcept>
#include <string>

#include "core/error.hpp"
#include "kernels/family.hpp"

namespace ktune::runtime {

db::FamilyRules family_rules(std::string_view kernel) {
  db::FamilyRules rules;
  const auto* family = kernels::family_named(kernel);
  if (!family) return rules;
  rules.violation = [family](std::string_view, const Problem& problem, const DeviceInfo& device,
                             const std::string& config) -> std::optional<std::string> {
    try {
      const auto space = family->space(problem, device);
      return space.violation(space.parse_config(config));
    } catch (const UsageError& e) {
      return std::string(e.what());  // a parameter or value this version does not have
    } catch (const std::out_of_range& e) {
      return std::string(e.what());  // a size the family needs is missing
    }
  };
  rules.default_config = [family](std::string_view, const Problem& problem,
                                  const DeviceInfo& device) -> std::optional<std::string> {
    try {
      const auto space = family->space(problem, device);
      return space.canonical(space.default_config());
    } catch (const std::exception&) {
      return std::nullopt;
    }
  };
  return rules;
}

}  // namespace ktune::runtime
