#include "tuner/budget.hpp"

#include <algorithm>

#include "tuner/json.hpp"

namespace ktune::tuner {

std::string describe(StopReason reason) {
  std::string text = enum_name(reason);  // "evaluation_budget" -> "evaluation budget"
  std::replace(text.begin(), text.end(), '_', ' ');
  return text;
}

}  // namespace ktune::tuner
