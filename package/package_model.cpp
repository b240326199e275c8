#include "package/package_model.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "kernels/sources.hpp"

namespace ktune::package {
namespace {

bool is_shape_binding(const FamilySpec& spec, std::string_view name) {
  return std::any_of(spec.shape_bindings.begin(), spec.shape_bindings.end(),
                     [&](const auto& b) { return b.first == name; });
}

// The constraints of `space` as C++ over `c` (Config), `s` (Shape) and `d` (DeviceRow).
std::vector<std::string> translate_constraints(const Space& space, const Model& model) {
  const auto& params = space.params();
  std::vector<std::string> names;  // slot -> C++ expression
  for (std::size_t i = 0; i < params.size(); ++i)
    names.push_back(fmt::format("c.v[{}]", i));
  std::map<std::string, std::size_t, std::less<>> binding_slot;
  for (const auto& [name, value] : space.bindings()) {
    binding_slot[name] = names.size();
    if (auto it = std::find_if(model.spec->shape_bindings.begin(), model.spec->shape_bindings.end(),
                               [&](const auto& b) { return b.first == name; });
        it != model.spec->shape_bindings.end()) {
      names.push_back(it->second);
    } else {
      const auto pos = std::find(model.device_bindings.begin(), model.device_bindings.end(), name);
      names.push_back(fmt::format("d.bindings[{}]", pos - model.device_bindings.begin()));
    }
  }
  const Resolver resolve = [&](std::string_view name) -> std::optional<Resolved> {
    for (std::size_t i = 0; i < params.size(); ++i)
      if (params[i].name == name) return Resolved{Resolved::Kind::slot, i, 0};
    if (auto it = binding_slot.find(name); it != binding_slot.end())
      return Resolved{Resolved::Kind::slot, it->second, 0};
    std::optional<std::int64_t> label;
    int matches = 0;
    for (const auto& p : params)
      for (std::size_t v = 0; v < p.labels.size(); ++v)
        if (p.labels[v] == name) {
          label = static_cast<std::int64_t>(v);
          ++matches;
        }
    if (matches == 1) return Resolved{Resolved::Kind::constant, 0, *label};
    return std::nullopt;
  };
  std::vector<std::string> out;
  for (const auto& constraint : space.constraints()) {
    const auto e = Expression::parse(constraint.text(), resolve);
    out.push_back(e.to_cpp([&](std::size_t slot) { return names.at(slot); }) + "  /* " +
                  constraint.text() + " */");
  }
  return out;
}

std::size_t add_config(Model& model, const Space& space, const Config& config,
                       const Problem& problem) {
  const std::string canonical = space.canonical(config);
  for (std::size_t i = 0; i < model.configs.size(); ++i)
    if (model.configs[i].canonical == canonical) return i;
  ConfigRow row;
  row.canonical = canonical;
  for (const auto& p : model.params)
    row.values.push_back(space.value(config, p.name));
  const auto plan = model.family->plan(space, config, problem);
  row.defines = plan.source.defines;
  row.cuda_options = plan.source.cuda_options;
  row.source = model.spec->source_files.size();
  for (std::size_t i = 0; i < model.spec->source_files.size(); ++i)
    if (kernels::assemble("kernels/" + model.spec->source_files[i]) == plan.source.code)
      row.source = i;
  if (row.source == model.spec->source_files.size())
    throw Error(
        fmt::format("ktune export: {} uses a kernel file the exporter does not know", canonical));
  model.configs.push_back(std::move(row));
  return model.configs.size() - 1;
}

}  // namespace

Model build_model(const runtime::TunedTable& table, const kernels::Family& family) {
  if (table.entries.empty())
    throw UsageError(fmt::format(
        "ktune export: nothing tuned for {} in {} (tune it first: ktune tune {} --db ...; or "
        "widen --device/--shapes)",
        table.kernel, table.source, table.kernel));
  Model model;
  model.family = &family;
  model.spec = &family_spec(table.kernel);
  const Problem reference_problem = family.default_problem();
  const Space generic = family.space(reference_problem, DeviceInfo{});
  model.params = generic.params();
  for (const auto& [name, value] : generic.bindings())
    if (!is_shape_binding(*model.spec, name)) model.device_bindings.push_back(name);
  model.generic_default = add_config(model, generic, generic.default_config(), reference_problem);

  std::map<std::string, std::size_t> device_of;  // fingerprint -> row
  for (const auto& entry : table.entries) {
    const auto fingerprint = entry.device.fingerprint();
    auto [it, added] = device_of.emplace(fingerprint, model.devices.size());
    const Space space = family.space(entry.problem, entry.device);
    if (added) {
      DeviceRow row;
      row.info = entry.device;
      for (const auto& name : model.device_bindings)
        row.bindings.push_back(space.bindings().at(name));
      auto constraints = translate_constraints(space, model);
      auto set = std::find(model.constraint_sets.begin(), model.constraint_sets.end(), constraints);
      row.constraint_set = static_cast<std::size_t>(set - model.constraint_sets.begin());
      if (set == model.constraint_sets.end()) model.constraint_sets.push_back(constraints);
      row.default_config = add_config(model, space, space.default_config(), entry.problem);
      model.devices.push_back(std::move(row));
    }
    EntryRow row;
    row.device = it->second;
    for (const auto& dim : model.spec->dims)
      row.dims.push_back(entry.problem.find(dim).value_or(0));
    row.config = add_config(model, space, space.parse_config(entry.config), entry.problem);
    row.median_ms = entry.median_ms;
    row.problem = entry.problem.canonical();
    model.entries.push_back(std::move(row));
  }
  return model;
}

std::string upper(std::string text) {
  for (auto& ch : text)
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return text;
}

}  // namespace ktune::package
