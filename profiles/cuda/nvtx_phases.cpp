#include "profiles/cuda/nvtx_phases.hpp"

#include <nvtx3/nvToolsExt.h>

#include <array>
#include <string>

#include <fmt/format.h>

namespace ktune::profiles::cuda {
namespace {

constexpr std::array<Phase, 5> kPhases{Phase::compile, Phase::verification, Phase::warmup,
                                       Phase::timing, Phase::profiling};
constexpr std::array<std::uint32_t, 5> kColours{0xFF7F7F7F, 0xFF2CA02C, 0xFFFF7F0E, 0xFF1F77B4,
                                                0xFF9467BD};

std::uint32_t category_of(Phase phase) {
  return static_cast<std::uint32_t>(phase) + 1;  // category 0 means "none"
}

// The domain, created on first use, with every phase's category named.
nvtxDomainHandle_t domain() {
  static const nvtxDomainHandle_t handle = [] {
    nvtxDomainHandle_t d = nvtxDomainCreateA("ktune");
    for (auto phase : kPhases)
      nvtxDomainNameCategoryA(d, category_of(phase), std::string(to_string(phase)).c_str());
    return d;
  }();
  return handle;
}

}  // namespace

void NvtxPhaseObserver::begin(const VariantPhase& phase) {
  const std::string message =
      fmt::format("{} {} [{}]", phase.kernel, phase.config, to_string(phase.phase));
  nvtxEventAttributes_t attributes{};
  attributes.version = NVTX_VERSION;
  attributes.size = NVTX_EVENT_ATTRIB_STRUCT_SIZE;
  attributes.category = category_of(phase.phase);
  attributes.colorType = NVTX_COLOR_ARGB;
  attributes.color = kColours[static_cast<std::size_t>(phase.phase) % kColours.size()];
  attributes.payloadType = NVTX_PAYLOAD_TYPE_UNSIGNED_INT64;
  attributes.payload.ullValue = phase.variant;
  attributes.messageType = NVTX_MESSAGE_TYPE_ASCII;
  attributes.message.ascii = message.c_str();  // NVTX copies what it keeps
  nvtxDomainRangePushEx(domain(), &attributes);
}

void NvtxPhaseObserver::end(const VariantPhase&) noexcept {
  nvtxDomainRangePop(domain());
}

}  // namespace ktune::profiles::cuda
