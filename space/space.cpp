#include "space/space.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

namespace ktune {

Space::Space(std::vector<Param> params, Bindings bindings)
    : params_(std::move(params)), bindings_(std::move(bindings)) {
  for (std::size_t i = 0; i < params_.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (params_[i].name == params_[j].name)
        throw std::invalid_argument("duplicate parameter " + params_[i].name);
  rebuild_schedule();
}

Resolver Space::resolver() const {
  return [this](std::string_view name) -> std::optional<Resolved> {
    if (auto slot = index_of(name)) return Resolved{Resolved::Kind::slot, *slot, 0};
    if (auto it = bindings_.find(name); it != bindings_.end())
      return Resolved{Resolved::Kind::constant, 0, it->second};
    // A label of exactly one choice parameter stands for its value.
    std::optional<std::int64_t> label_value;
    int matches = 0;
    for (const auto& p : params_) {
      if (p.kind != Param::Kind::choice) continue;
      for (std::size_t v = 0; v < p.labels.size(); ++v) {
        if (p.labels[v] == name) {
          label_value = static_cast<std::int64_t>(v);
          ++matches;
        }
      }
    }
    if (matches == 1) return Resolved{Resolved::Kind::constant, 0, *label_value};
    return std::nullopt;
  };
}

Expression Space::parse(std::string_view text, const Resolver& extra) const {
  const auto own = resolver();
  return Expression::parse(
      text,
      [&](std::string_view name) -> std::optional<Resolved> {
        if (auto r = own(name)) return r;
        return extra ? extra(name) : std::nullopt;
      },
      known_names());
}

std::string Space::known_names() const {
  std::string text;
  for (const auto& p : params_)
    text += (text.empty() ? "" : ", ") + p.name;
  for (const auto& [name, value] : bindings_)
    text += (text.empty() ? "" : ", ") + name;
  return text;
}

void Space::add_constraint(std::string_view text) {
  constraints_.push_back(Expression::parse(text, resolver(), known_names()));
  rebuild_schedule();
}

void Space::rebuild_schedule() {
  schedule_.assign(params_.size(), {});
  always_.clear();
  for (std::size_t c = 0; c < constraints_.size(); ++c) {
    const auto& slots = constraints_[c].slots_used();
    if (slots.empty())
      always_.push_back(c);
    else
      schedule_[slots.back()].push_back(c);
  }
}

void Space::fix(std::string_view name, std::string_view value) {
  auto slot = index_of(name);
  if (!slot)
    throw UsageError(
        fmt::format("{}: unknown parameter '{}' (parameters: {})", name, name, known_names()));
  Param& p = params_[*slot];
  auto parsed = p.parse(value);
  if (!parsed)
    throw UsageError(fmt::format("{}={}: not a value of {} (accepted: {})", name, value, name,
                                 p.accepted_values()));
  p.values = {*parsed};
  p.default_value = *parsed;
}

void Space::restrict_to(std::vector<Config> allowed) {
  std::sort(allowed.begin(), allowed.end());
  allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
  allowed_set_ = std::unordered_set<Config, ConfigHash>(allowed.begin(), allowed.end());
  allowed_ = std::move(allowed);
}

std::optional<std::size_t> Space::index_of(std::string_view name) const {
  for (std::size_t i = 0; i < params_.size(); ++i)
    if (params_[i].name == name) return i;
  return std::nullopt;
}

const Param& Space::param(std::string_view name) const {
  auto slot = index_of(name);
  if (!slot)
    throw UsageError(fmt::format("unknown parameter '{}' (parameters: {})", name, known_names()));
  return params_[*slot];
}

Config Space::default_config() const {
  Config config;
  config.values.reserve(params_.size());
  for (const auto& p : params_)
    config.values.push_back(p.default_value);
  return config;
}

bool Space::constraint_holds(const Expression& e, const std::vector<std::int64_t>& values) const {
  try {
    return e.holds(values);
  } catch (const std::domain_error&) {
    return false;  // e.g. a division by zero: the point is outside the space
  }
}

std::optional<std::string> Space::violation(const Config& config) const {
  if (config.values.size() != params_.size())
    return fmt::format("has {} values for {} parameters", config.values.size(), params_.size());
  for (std::size_t i = 0; i < params_.size(); ++i) {
    if (!params_[i].position(config.values[i]))
      return fmt::format("{}={} is not a value of {} (accepted: {})", params_[i].name,
                         config.values[i], params_[i].name, params_[i].accepted_values());
  }
  for (const auto& e : constraints_)
    if (!constraint_holds(e, config.values)) return fmt::format("violates '{}'", e.text());
  if (allowed_ && !allowed_set_.contains(config))
    return std::string("is not in the recorded space");
  return std::nullopt;
}

std::optional<std::string> Space::evaluation_error(const Config& config) const {
  for (const auto& e : constraints_) {
    try {
      e.evaluate(config.values);
    } catch (const std::domain_error& error) {
      return std::string(error.what());
    }
  }
  return std::nullopt;
}

std::vector<Config> Space::enumerate() const {
  std::vector<Config> result;
  if (allowed_) {
    for (const auto& c : *allowed_)
      if (!violation(c)) result.push_back(c);
    return result;
  }
  std::vector<std::int64_t> values(params_.size(), 0);
  for (auto c : always_)
    if (!constraint_holds(constraints_[c], values)) return result;
  if (params_.empty()) return {Config{}};

  // Iterative depth-first assignment; positions[i] is the index of the value tried for param i.
  std::vector<std::size_t> positions(params_.size(), 0);
  std::size_t depth = 0;
  for (;;) {
    if (positions[depth] == params_[depth].values.size()) {
      if (depth == 0) break;
      positions[depth] = 0;
      --depth;
      ++positions[depth];
      continue;
    }
    values[depth] = params_[depth].values[positions[depth]];
    bool ok = true;
    for (auto c : schedule_[depth]) {
      if (!constraint_holds(constraints_[c], values)) {
        ok = false;
        break;
      }
    }
    if (!ok) {
      ++positions[depth];
    } else if (depth + 1 == params_.size()) {
      result.push_back(Config{values});
      ++positions[depth];
    } else {
      ++depth;
    }
  }
  return result;
}

std::uint64_t Space::cross_product_size() const {
  std::uint64_t size = 1;
  for (const auto& p : params_) {
    const auto n = static_cast<std::uint64_t>(p.values.size());
    if (n != 0 && size > std::numeric_limits<std::uint64_t>::max() / n)
      return std::numeric_limits<std::uint64_t>::max();
    size *= n;
  }
  return size;
}

std::int64_t Space::value(const Config& config, std::string_view name) const {
  auto slot = index_of(name);
  if (!slot || *slot >= config.values.size())
    throw std::out_of_range("configuration has no parameter " + std::string(name));
  return config.values[*slot];
}

std::string Space::canonical(const Config& config) const {
  std::string text;
  for (std::size_t i = 0; i < params_.size() && i < config.values.size(); ++i) {
    if (i) text += ',';
    text += params_[i].name + '=' + params_[i].format(config.values[i]);
  }
  return text;
}

Config Space::parse_config(std::string_view text) const {
  Config config = default_config();
  std::vector<bool> seen(params_.size(), false);
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(start, end - start);
    while (!item.empty() && item.front() == ' ')
      item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ')
      item.remove_suffix(1);
    if (!item.empty()) {
      auto eq = item.find('=');
      if (eq == std::string_view::npos)
        throw UsageError(
            fmt::format("configuration '{}': expected NAME=VALUE but found '{}'", text, item));
      std::string_view name = item.substr(0, eq);
      std::string_view value = item.substr(eq + 1);
      auto slot = index_of(name);
      if (!slot)
        throw UsageError(fmt::format("configuration '{}': unknown parameter '{}' (parameters: {})",
                                     text, name, known_names()));
      if (seen[*slot])
        throw UsageError(fmt::format("configuration '{}': parameter '{}' given twice", text, name));
      seen[*slot] = true;
      auto parsed = params_[*slot].parse(value);
      if (!parsed)
        throw UsageError(fmt::format("configuration '{}': '{}' is not a value of {} (accepted: {})",
                                     text, value, name, params_[*slot].accepted_values()));
      config.values[*slot] = *parsed;
    }
    if (end == text.size()) break;
    start = end + 1;
  }
  return config;
}

}  // namespace ktune
