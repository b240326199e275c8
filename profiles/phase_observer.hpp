#pragma once
// The phases the runner takes a variant through, and an optional observer a backend can offer
// (Device::phase_observer) to mark them on its own timeline: the CUDA backend turns them into
// NVTX ranges, so an Nsight Systems trace of a tuning session shows which variant ran when.
#include <cstdint>
#include <string_view>

namespace ktune::profiles {

enum class Phase { compile, verification, warmup, timing, profiling };

inline std::string_view to_string(Phase phase) {
  switch (phase) {
    case Phase::compile:
      return "compile";
    case Phase::verification:
      return "verification";
    case Phase::warmup:
      return "warm-up";
    case Phase::timing:
      return "timing";
    case Phase::profiling:
      return "profiling";
  }
  return "unknown";
}

// One variant in one phase: the kernel family, the canonical configuration ("TS=16,WPT=1") and
// the variant's number in the session (1-based, in evaluation order).
struct VariantPhase {
  Phase phase = Phase::compile;
  std::string_view kernel;
  std::string_view config;
  std::uint64_t variant = 0;
};

class PhaseObserver {
 public:
  virtual ~PhaseObserver() = default;
  virtual void begin(const VariantPhase& phase) = 0;
  virtual void end(const VariantPhase& phase) noexcept = 0;
};

// Marks one phase for as long as it lives; does nothing without an observer.
class ScopedPhase {
 public:
  ScopedPhase(PhaseObserver* observer, VariantPhase phase) : observer_(observer), phase_(phase) {
    if (observer_) observer_->begin(phase_);
  }
  ScopedPhase(const ScopedPhase&) = delete;
  ScopedPhase& operator=(const ScopedPhase&) = delete;
  ~ScopedPhase() {
    if (observer_) observer_->end(phase_);
  }

 private:
  PhaseObserver* observer_;
  VariantPhase phase_;
};

}  // namespace ktune::profiles
