#include "core/outcome.hpp"

#include <array>
#include <utility>

namespace ktune {
namespace {
constexpr std::array<std::pair<Outcome, std::string_view>, 8> kNames{{
    {Outcome::correct, "correct"},
    {Outcome::wrong_result, "wrong_result"},
    {Outcome::compile_error, "compile_error"},
    {Outcome::launch_error, "launch_error"},
    {Outcome::resource_exceeded, "resource_exceeded"},
    {Outcome::timeout, "timeout"},
    {Outcome::invalid, "invalid"},
    {Outcome::pruned, "pruned"},
}};
}  // namespace

std::string_view to_string(Outcome outcome) {
  for (const auto& [value, name] : kNames)
    if (value == outcome) return name;
  return "unknown";
}

std::optional<Outcome> outcome_from_string(std::string_view text) {
  for (const auto& [value, name] : kNames)
    if (name == text) return value;
  return std::nullopt;
}

}  // namespace ktune
