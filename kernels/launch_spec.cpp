#include "kernels/launch_spec.hpp"

#include <limits>

#include <fmt/format.h>

#include "core/outcome.hpp"
#include "kernels/sources.hpp"

namespace ktune::kernels {
namespace {

std::int64_t evaluate(const Space& space, const Config& config, const std::string& text) {
  return space.evaluate(space.parse(text), config);
}

}  // namespace

Bindings size_bindings(const LaunchSpec& spec, const Problem& problem) {
  Bindings bindings;
  for (const auto& s : spec.sizes) {
    const auto value = problem.find(s.dim);
    bindings[s.name] = value ? *value : s.absent ? *s.absent : problem.dim(s.dim);
  }
  for (const auto& d : spec.derived) {
    const auto e = Expression::parse(d.expression, [&](std::string_view name) {
      auto it = bindings.find(name);
      return it == bindings.end()
                 ? std::nullopt
                 : std::optional<Resolved>(Resolved{Resolved::Kind::constant, 0, it->second});
    });
    bindings[d.name] = e.evaluate({});
  }
  return bindings;
}

LaunchPlan plan_launch(const LaunchSpec& spec, const Space& space, const Config& config) {
  LaunchPlan plan;
  const KernelFile* file = nullptr;
  for (const auto& f : spec.files)
    if (evaluate(space, config, f.when) != 0) {
      file = &f;
      break;
    }
  if (!file)
    throw VariantFailure(Outcome::invalid,
                         fmt::format("{}: no kernel file for it", space.canonical(config)));
  plan.source.entry = file->entry;
  plan.source.code = assemble("kernels/" + file->path);
  for (const auto& name : file->defines)
    plan.source.defines.push_back({name, std::to_string(space.value(config, name))});
  for (const auto& option : spec.cuda_options)
    if (evaluate(space, config, option.when) != 0)
      plan.source.cuda_options.push_back(option.prefix +
                                         std::to_string(evaluate(space, config, option.value)));

  const auto threads = evaluate(space, config, spec.threads);
  const auto blocks = evaluate(space, config, spec.blocks);
  constexpr std::int64_t kMax = std::numeric_limits<std::int32_t>::max();
  if (blocks > kMax)
    throw VariantFailure(Outcome::resource_exceeded,
                         fmt::format("{} blocks exceed the grid limit of 2^31-1", blocks));
  if (threads > kMax || threads < 1 || blocks < 1)
    throw VariantFailure(Outcome::invalid,
                         fmt::format("a launch of {} blocks of {} threads", blocks, threads));
  plan.geometry.block = {static_cast<std::uint32_t>(threads), 1, 1};
  plan.geometry.grid = {static_cast<std::uint32_t>(blocks), 1, 1};
  plan.geometry.dynamic_shared_bytes =
      static_cast<std::uint32_t>(evaluate(space, config, spec.dynamic_shared_bytes));
  for (const auto& a : spec.arguments) {
    switch (a.kind) {
      case LaunchArgument::Kind::int32:
        plan.args.emplace_back(static_cast<std::int32_t>(evaluate(space, config, a.value)));
        break;
      case LaunchArgument::Kind::float32:
        plan.args.emplace_back(static_cast<float>(evaluate(space, config, a.value)));
        break;
      case LaunchArgument::Kind::buffer:
        plan.args.emplace_back(BufferArg{a.buffer});
        break;
    }
  }
  return plan;
}

}  // namespace ktune::kernels
