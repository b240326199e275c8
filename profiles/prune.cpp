#include "profiles/prune.hpp"

#include <charconv>

#include <fmt/format.h>

#include "core/error.hpp"

namespace ktune::profiles {
namespace {

constexpr const char* kAccepted =
    "accepted: spills, occupancy<X with 0 < X <= 1, registers>N, stack>N, shared>N; "
    "comma-separated";

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ')
    s.remove_suffix(1);
  return s;
}

std::optional<double> number(std::string_view s) {
  s = trim(s);
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

}  // namespace

PruneRules PruneRules::parse(std::string_view text) {
  PruneRules rules;
  rules.text_ = std::string(trim(text));
  if (rules.text_.empty()) throw UsageError(fmt::format("'': no rule given ({})", kAccepted));
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (item == "spills") {
      rules.rules_.push_back({Kind::spills, 0});
      continue;
    }
    struct Form {
      std::string_view name;
      char op;
      Kind kind;
    };
    static constexpr Form forms[] = {{"occupancy", '<', Kind::occupancy_below},
                                     {"registers", '>', Kind::registers_above},
                                     {"stack", '>', Kind::stack_above},
                                     {"shared", '>', Kind::shared_above}};
    bool matched = false;
    for (const auto& form : forms) {
      if (!item.starts_with(form.name)) continue;
      const auto after = trim(item.substr(form.name.size()));
      if (after.empty() || after.front() != form.op) continue;
      const auto value = number(after.substr(1));
      const bool ok =
          value && (form.kind == Kind::occupancy_below ? *value > 0 && *value <= 1 : *value >= 0);
      if (!ok)
        throw UsageError(fmt::format(
            "{}: '{}' needs a {} after '{}' ({})", rules.text_, item,
            form.kind == Kind::occupancy_below ? "fraction in (0, 1]" : "non-negative number",
            form.op, kAccepted));
      rules.rules_.push_back({form.kind, *value});
      matched = true;
      break;
    }
    if (!matched)
      throw UsageError(fmt::format("{}: unknown rule '{}' ({})", rules.text_, item, kAccepted));
  }
  return rules;
}

std::optional<std::string> PruneRules::reason(const Resources& r) const {
  for (const auto& rule : rules_) {
    switch (rule.kind) {
      case Kind::spills:
        if (r.spill_store_bytes.value_or(0) > 0 || r.spill_load_bytes.value_or(0) > 0)
          return fmt::format("pruned by 'spills': {} bytes spill stores, {} bytes spill loads",
                             r.spill_store_bytes.value_or(0), r.spill_load_bytes.value_or(0));
        break;
      case Kind::occupancy_below:
        if (r.theoretical_occupancy && *r.theoretical_occupancy < rule.limit)
          return fmt::format("pruned by 'occupancy<{}': theoretical occupancy {:.3f} ({}-limited)",
                             rule.limit, *r.theoretical_occupancy,
                             r.occupancy_limiter.empty() ? "?" : r.occupancy_limiter);
        break;
      case Kind::registers_above:
        if (r.registers && *r.registers > rule.limit)
          return fmt::format("pruned by 'registers>{}': {} registers per thread", rule.limit,
                             *r.registers);
        break;
      case Kind::stack_above:
        if (r.stack_bytes && *r.stack_bytes > rule.limit)
          return fmt::format("pruned by 'stack>{}': {} bytes stack frame", rule.limit,
                             *r.stack_bytes);
        break;
      case Kind::shared_above:
        if (r.shared_bytes && *r.shared_bytes > rule.limit)
          return fmt::format("pruned by 'shared>{}': {} bytes of static shared memory", rule.limit,
                             *r.shared_bytes);
        break;
    }
  }
  return std::nullopt;
}

}  // namespace ktune::profiles
