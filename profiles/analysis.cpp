#include "profiles/analysis.hpp"

#include "space/config_json.hpp"

#include "core/error.hpp"
#if KTUNE_HAVE_CUDA
#include "profiles/cuda/offline_analysis.hpp"
#endif

namespace ktune::profiles {

Json analysis_json(const Space& space, const VariantAnalysis& v) {
  return Json{{"config", space.canonical(v.config)},
              {"params", params_json(space, v.config)},
              {"outcome", v.outcome},
              {"message", v.message},
              {"threads_per_block", v.geometry.threads_per_block()},
              {"blocks", v.geometry.blocks()},
              {"dynamic_shared_bytes", v.geometry.dynamic_shared_bytes},
              {"resources", v.resources},
              {"active_blocks_per_sm", v.active_blocks_per_sm},
              {"compile_ms", known_json(v.compile_ms)},
              {"cached", v.cached}};
}
namespace {

[[maybe_unused]] constexpr const char* kNotBuilt =
    "CUDA: support was not built, so there is no NVRTC to analyse with (configure with the CUDA "
    "toolkit and KTUNE_CUDA=AUTO or ON)";

}  // namespace

#if KTUNE_HAVE_CUDA
DeviceInfo offline_device(const std::string& arch) {
  return cuda::offline_device(arch);
}
std::string offline_architectures() {
  return cuda::offline_architectures();
}
AnalysisReport analyze_offline(const kernels::Family& family, const Space& space,
                               std::span<const Config> configs, const AnalysisOptions& options) {
  return cuda::analyze_offline(family, space, configs, options);
}
#else
DeviceInfo offline_device(const std::string&) {
  throw Error(kNotBuilt);
}
std::string offline_architectures() {
  return {};
}
AnalysisReport analyze_offline(const kernels::Family&, const Space&, std::span<const Config>,
                               const AnalysisOptions&) {
  throw Error(kNotBuilt);
}
#endif

}  // namespace ktune::profiles
