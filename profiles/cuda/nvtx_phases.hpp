#pragma once
// Variant phases as NVTX ranges: domain "ktune", one range per phase named
// "<kernel> <config> [<phase>]", the phase as a named category, the variant number as payload.
// NVTX3 is header-only and costs nanoseconds when no tool is attached.
#include "profiles/phase_observer.hpp"

namespace ktune::profiles::cuda {

class NvtxPhaseObserver final : public PhaseObserver {
 public:
  void begin(const VariantPhase& phase) override;
  void end(const VariantPhase& phase) noexcept override;
};

}  // namespace ktune::profiles::cuda
