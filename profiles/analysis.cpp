#include "profiles/analysis.hpp"

#include "core/error.hpp"
#if KTUNE_HAVE_CUDA
#include "profiles/cuda/offline_analysis.hpp"
#endif

namespace ktune::profiles {
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
AnalysisReport analyze_offline(const kernels::Family& family, const Problem& problem,
                               const Space& space, std::span<const Config> configs,
                               const AnalysisOptions& options) {
  return cuda::analyze_offline(family, problem, space, configs, options);
}
#else
DeviceInfo offline_device(const std::string&) {
  throw Error(kNotBuilt);
}
std::string offline_architectures() {
  return {};
}
AnalysisReport analyze_offline(const kernels::Family&, const Problem&, const Space&,
                               std::span<const Config>, const AnalysisOptions&) {
  throw Error(kNotBuilt);
}
#endif

}  // namespace ktune::profiles
