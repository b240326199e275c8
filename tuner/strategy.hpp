#pragma once
// A search strategy proposes configurations and learns from their evaluations. It does no I/O
// and is deterministic for a given seed. Failed evaluations are told like any other: the
// strategy sees them as invalid points (no objective).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/evaluation.hpp"
#include "tuner/space/space.hpp"

namespace ktune::tuner {

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::string name() const = 0;
  // The next configuration to evaluate (one of the valid points), or nullopt when done.
  virtual std::optional<Config> next() = 0;
  virtual void tell(const Config& config, const Evaluation& evaluation) = 0;
};

// Names accepted by make_strategy, for --help and error messages.
const std::vector<std::string>& strategy_names();

// `valid` is the enumerated valid space the strategy draws from. Throws UsageError for an
// unknown name.
std::unique_ptr<Strategy> make_strategy(std::string_view name, const Space& space,
                                        const std::vector<Config>& valid, std::uint64_t seed);

}  // namespace ktune::tuner
