#pragma once
// Static analysis of a family's variants for a GPU architecture, with no GPU: compile each for
// the target, read its registers, shared memory and spills, and compute the theoretical
// occupancy its launch geometry allows. Backed by NVRTC (profiles/cuda); throws Error when the
// CUDA backend was not built.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/device_info.hpp"
#include "core/evaluation.hpp"
#include "core/json.hpp"
#include "core/launch.hpp"
#include "kernels/family.hpp"
#include "space/space.hpp"

namespace ktune::profiles {

struct VariantAnalysis {
  Config config;
  Geometry geometry;
  Outcome outcome = Outcome::correct;  // correct: analysed; else compile_error, resource_exceeded
  std::string message;                 // why, for other outcomes
  Resources resources;                 // with theoretical occupancy and its limiter
  int active_blocks_per_sm = 0;
  double compile_ms = 0;  // 0 when served from the cache
  bool cached = false;
};

// {"config", "params", "outcome", "message", "threads_per_block", "blocks",
//  "dynamic_shared_bytes", "resources", "active_blocks_per_sm", "compile_ms", "cached"}
Json analysis_json(const Space& space, const VariantAnalysis& variant);

struct AnalysisOptions {
  std::string arch = "sm_90";
  unsigned jobs = 0;      // compiler threads; 0: one per core
  bool use_cache = true;  // the on-disk compile cache
};

struct AnalysisReport {
  std::string arch;
  std::string compiler;                   // "NVRTC 13.0"
  std::vector<VariantAnalysis> variants;  // in the order given
  double wall_ms = 0;
};

// The limits of a GPU of architecture `arch` as DeviceInfo (to build a family's space for it).
// Throws UsageError for an unknown architecture, Error without the CUDA backend.
DeviceInfo offline_device(const std::string& arch);

// Architectures offline analysis knows ("sm_70, sm_75, ..."), or empty without CUDA.
std::string offline_architectures();

AnalysisReport analyze_offline(const kernels::Family& family, const Space& space,
                               std::span<const Config> configs, const AnalysisOptions& options);

}  // namespace ktune::profiles
