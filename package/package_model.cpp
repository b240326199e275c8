#include "package/package_model.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "kernels/sources.hpp"

namespace ktune::package {
namespace {

bool is_shape_binding(const LaunchCode& code, std::string_view name) {
  return std::any_of(code.shape_bindings.begin(), code.shape_bindings.end(),
                     [&](const auto& b) { return b.first == name; });
}

// The constraints of `space` as C++ over `c` (Config), `s` (Shape) and `d` (DeviceRow).
std::vector<std::string> translate_constraints(const Space& space, const Model& model) {
  auto bindings = model.code.shape_bindings;
  for (std::size_t i = 0; i < model.device_bindings.size(); ++i)
    bindings.emplace_back(model.device_bindings[i], fmt::format("d.bindings[{}]", i));
  std::vector<std::string> out;
  for (const auto& constraint : space.constraints())
    out.push_back(translate_expression(constraint.text(), space.params(), bindings) + "  /* " +
                  constraint.text() + " */");
  return out;
}

std::size_t add_config(Model& model, const Space& space, const Config& config) {
  const std::string canonical = space.canonical(config);
  for (std::size_t i = 0; i < model.configs.size(); ++i)
    if (model.configs[i].canonical == canonical) return i;
  ConfigRow row;
  row.canonical = canonical;
  for (const auto& p : model.params)
    row.values.push_back(space.value(config, p.name));
  const auto plan = model.family->plan(space, config);
  row.defines = plan.source.defines;
  row.cuda_options = plan.source.cuda_options;
  row.source = model.code.source_files.size();
  for (std::size_t i = 0; i < model.code.source_files.size(); ++i)
    if (kernels::assemble("kernels/" + model.code.source_files[i]) == plan.source.code)
      row.source = i;
  if (row.source == model.code.source_files.size())
    throw Error(
        fmt::format("ktune export: {} uses a kernel file the exporter does not know", canonical));
  model.configs.push_back(std::move(row));
  return model.configs.size() - 1;
}

}  // namespace

Model build_model(const runtime::TunedTable& table, const kernels::Family& family) {
  if (table.entries.empty())
    throw UsageError(fmt::format("nothing tuned for {} in {} on the devices and problems asked for",
                                 table.kernel, table.source));
  Model model;
  model.family = &family;
  model.code = translate_launch(family);
  const Problem reference_problem = family.default_problem();
  const Space generic = family.space(reference_problem, DeviceInfo{});
  model.params = generic.params();
  for (const auto& [name, value] : generic.bindings())
    if (!is_shape_binding(model.code, name)) model.device_bindings.push_back(name);
  model.generic_default = add_config(model, generic, generic.default_config());

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
      row.default_config = add_config(model, space, space.default_config());
      model.devices.push_back(std::move(row));
    }
    EntryRow row;
    row.device = it->second;
    for (const auto& dim : model.code.dims)
      row.dims.push_back(entry.problem.find(dim).value_or(0));
    row.config = add_config(model, space, space.parse_config(entry.config));
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
