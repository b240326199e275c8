#include "core/outcome.hpp"

#include "core/json.hpp"

namespace ktune {

std::string to_string(Outcome outcome) {
  return enum_name(outcome);
}

std::optional<Outcome> outcome_from_string(std::string_view text) {
  return enum_from_name<Outcome>(text);
}

}  // namespace ktune
