#include "profiles/cuda/offline_analysis.hpp"

#include <chrono>

#include <fmt/format.h>

#include "profiles/cuda/nvrtc_compiler.hpp"
#include "profiles/cuda/occupancy.hpp"

namespace ktune::profiles::cuda {

DeviceInfo describe_architecture(const Architecture& arch) {
  DeviceInfo info;
  info.backend = "cuda";
  info.index = -1;
  info.name = fmt::format("{} (offline: {})", arch.name, arch.examples);
  info.vendor = "NVIDIA";
  info.architecture = arch.name;
  info.shared_memory_per_block = arch.shared_per_block;
  info.shared_memory_per_block_optin = arch.shared_per_block_optin;
  info.max_threads_per_block = arch.max_threads_per_block;
  info.max_block_dim[0] = 1024;
  info.max_block_dim[1] = 1024;
  info.max_block_dim[2] = 64;
  info.warp_size = arch.warp_size;
  return info;
}

DeviceInfo offline_device(const std::string& arch) {
  return describe_architecture(find_architecture(arch));
}

std::string offline_architectures() {
  return known_architecture_names();
}

AnalysisReport analyze_offline(const kernels::Family& family, const Space& space,
                               std::span<const Config> configs, const AnalysisOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const Architecture& arch = find_architecture(options.arch);
  AnalysisReport report;
  report.arch = arch.name;
  report.compiler = "NVRTC " + nvrtc_version();

  std::vector<KernelSource> sources;
  std::vector<std::size_t> source_of(configs.size(), SIZE_MAX);
  report.variants.resize(configs.size());
  for (std::size_t i = 0; i < configs.size(); ++i) {
    auto& v = report.variants[i];
    v.config = configs[i];
    if (auto why = space.violation(configs[i])) {
      v.outcome = Outcome::invalid;
      v.message = *why;
      continue;
    }
    auto plan = family.plan(space, configs[i]);
    v.geometry = plan.geometry;
    source_of[i] = sources.size();
    sources.push_back(std::move(plan.source));
  }

  const NvrtcCompiler compiler(options.use_cache ? std::optional<CompileCache>(CompileCache(
                                                       CompileCache::default_directory()))
                                                 : std::nullopt);
  const auto attempts = compiler.compile_all(sources, arch.name, options.jobs);

  for (std::size_t i = 0; i < configs.size(); ++i) {
    if (source_of[i] == SIZE_MAX) continue;
    auto& v = report.variants[i];
    const auto& attempt = attempts[source_of[i]];
    if (!attempt.compiled) {
      v.outcome = Outcome::compile_error;
      v.message = attempt.error;
      continue;
    }
    const auto& compiled = *attempt.compiled;
    v.compile_ms = compiled.compile_ms;
    v.cached = compiled.from_cache;
    if (!compiled.report) {
      v.message = "ptxas printed no resource report for this compile";
      continue;
    }
    const PtxasReport& ptxas = *compiled.report;
    v.resources = to_resources(ptxas);
    const auto occupancy = theoretical_occupancy(
        arch, {static_cast<int>(v.geometry.threads_per_block()), ptxas.registers,
               static_cast<std::uint32_t>(ptxas.shared_bytes), v.geometry.dynamic_shared_bytes,
               ptxas.barriers});
    v.resources.theoretical_occupancy = occupancy.fraction;
    v.resources.occupancy_limiter = std::string(to_string(occupancy.limiter));
    v.active_blocks_per_sm = occupancy.active_blocks;
    if (occupancy.active_blocks == 0) {
      v.outcome = Outcome::resource_exceeded;
      v.message = occupancy.why_not;
    }
  }
  report.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace ktune::profiles::cuda
