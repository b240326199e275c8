#include "report/offline_occupancy.hpp"

#include <map>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"
#include "db/ids.hpp"
#include "kernels/family.hpp"
#include "profiles/analysis.hpp"

namespace ktune::report {

void add_offline_occupancy(SessionReport& report, const std::string& arch) {
  const auto& session = report.summary.session;
  const auto* family = kernels::family_named(session.kernel);
  if (!family) {
    std::vector<std::string> names;
    for (const auto* f : kernels::all_families())
      names.push_back(f->name());
    throw UsageError(
        fmt::format("session {} tuned '{}', which ktune cannot compile (accepted: a session of {})",
                    session.id, session.kernel, fmt::join(names, ", ")));
  }
  const Problem problem{session.kernel, db::parse_shape_text(session.problem), session.dtype};
  const DeviceInfo device = profiles::offline_device(arch);
  const Space space = family->space(problem, device);

  std::vector<Config> configs;
  std::map<std::string, std::size_t> index_of;  // canonical text -> position in configs
  for (const auto& m : report.evaluations) {
    if (m.evaluation.resources.theoretical_occupancy || index_of.count(m.config)) continue;
    try {
      configs.push_back(space.parse_config(m.config));
      index_of.emplace(m.config, configs.size() - 1);
    } catch (const UsageError&) {
      // A configuration this architecture's space does not hold: its occupancy stays unknown.
    }
  }
  profiles::AnalysisOptions options;
  options.arch = device.architecture;
  const auto analysis = profiles::analyze_offline(*family, space, configs, options);
  for (auto& m : report.evaluations) {
    const auto at = index_of.find(m.config);
    if (at == index_of.end()) continue;
    const auto& v = analysis.variants.at(at->second);
    if (v.outcome == Outcome::correct) m.evaluation.resources = v.resources;
  }
  report.occupancy_arch = device.architecture;
}

}  // namespace ktune::report
