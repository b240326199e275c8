#include "package/launch_code.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace ktune::package {

std::string translate_expression(const std::string& text, const std::vector<Param>& params,
                                 const std::vector<std::pair<std::string, std::string>>& bindings) {
  const Resolver resolve = [&](std::string_view name) -> std::optional<Resolved> {
    for (std::size_t i = 0; i < params.size(); ++i)
      if (params[i].name == name) return Resolved{Resolved::Kind::slot, i, 0};
    for (std::size_t i = 0; i < bindings.size(); ++i)
      if (bindings[i].first == name) return Resolved{Resolved::Kind::slot, params.size() + i, 0};
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
  const auto e = Expression::parse(text, resolve);
  return e.to_cpp([&](std::size_t slot) {
    if (slot < params.size()) return fmt::format("c.v[{}]", slot);
    return bindings.at(slot - params.size()).second;
  });
}

std::string division_helpers(const std::vector<std::string>& expressions) {
  std::string text;
  for (const char* f : {"divide", "modulo", "ceil_div"}) {
    const bool used = std::any_of(expressions.begin(), expressions.end(), [&](const auto& e) {
      return e.find(std::string(f) + "(") != std::string::npos;
    });
    if (used)
      text += fmt::format(
          "  auto {0} = [&](std::int64_t a, std::int64_t b) {{ return detail::{0}(a, b, ok); "
          "}};\n",
          f);
  }
  return text;
}

LaunchCode translate_launch(const kernels::Family& family) {
  const auto& spec = family.launch();
  const Space space = family.space(family.default_problem(), DeviceInfo{});
  const auto& params = space.params();
  LaunchCode code;
  code.kernel = family.name();
  for (const auto& size : spec.sizes) {
    if (!size.exported) continue;
    code.dims.push_back(size.dim);
    code.shape_bindings.emplace_back(size.name, "s." + size.dim);
  }
  for (const auto& derived : spec.derived) {
    // Over the sizes (and the derived sizes before it) only.
    const std::string body = translate_expression(derived.expression, {}, code.shape_bindings);
    code.helpers += fmt::format(
        "inline std::int64_t size_{}(const Shape& s) {{\n  bool ok = true;\n{}  (void)ok;\n"
        "  return {};\n}}\n",
        derived.name, division_helpers({body}), body);
    code.shape_bindings.emplace_back(derived.name, fmt::format("size_{}(s)", derived.name));
  }
  for (const auto& file : spec.files)
    code.source_files.push_back(file.path);
  const std::string threads = translate_expression(spec.threads, params, code.shape_bindings);
  const std::string blocks = translate_expression(spec.blocks, params, code.shape_bindings);
  code.geometry =
      fmt::format("  bool ok = true;\n{}  g.threads = {};\n  g.blocks = {};\n  (void)ok;",
                  division_helpers({threads, blocks}), threads, blocks);
  std::vector<std::string> arguments;
  for (const auto& a : spec.arguments) {
    switch (a.kind) {
      case kernels::LaunchArgument::Kind::int32:
        arguments.push_back(fmt::format(
            "static_cast<int>({})", translate_expression(a.value, params, code.shape_bindings)));
        break;
      case kernels::LaunchArgument::Kind::float32:
        code.cuda_parameters.emplace_back("float", a.name);
        arguments.push_back(a.name);
        break;
      case kernels::LaunchArgument::Kind::buffer:
        code.cuda_parameters.emplace_back(a.read_only ? "const float*" : "float*", a.name);
        arguments.push_back(a.name);
        break;
    }
  }
  code.cuda_arguments = fmt::format("{}", fmt::join(arguments, ", "));
  return code;
}

}  // namespace ktune::package
