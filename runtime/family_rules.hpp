#pragma once
// The knowledge db::Lookup needs from a built-in kernel family: whether a tuned configuration is
// valid for another shape or device (its constraints, rebuilt for that problem and device), and
// the family's default configuration. Empty rules for a kernel that is not a built-in family
// (an imported recording): its tuned configurations are then taken without a re-check.
#include <string_view>

#include "db/lookup.hpp"

namespace ktune::runtime {

db::FamilyRules family_rules(std::string_view kernel);

}  // namespace ktune::runtime
