#pragma once
// profiles/analysis.hpp, implemented with NVRTC and the architecture table.
#include "profiles/analysis.hpp"
#include "profiles/cuda/architecture.hpp"

namespace ktune::profiles::cuda {

DeviceInfo offline_device(const std::string& arch);
std::string offline_architectures();
AnalysisReport analyze_offline(const kernels::Family& family, const Space& space,
                               std::span<const Config> configs, const AnalysisOptions& options);

// DeviceInfo for an architecture of the table (no memory sizes or clocks: those are a device's).
DeviceInfo describe_architecture(const Architecture& arch);

}  // namespace ktune::profiles::cuda
