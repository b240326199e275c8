#pragma once
// A search strategy proposes configurations and learns from their evaluations. It does no I/O
// and is deterministic for a given seed: the same evaluations told in the same order give the
// same proposals, which is what lets a session resume by replaying what it stored. Failed
// evaluations are told like any other: the strategy sees them as invalid points (no objective).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/evaluation.hpp"
#include "space/space.hpp"
#include "space/space_index.hpp"

namespace ktune::tuner {

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::string name() const = 0;
  // The next configuration to evaluate (one of the valid points), or nullopt when done.
  virtual std::optional<Config> next() = 0;
  // The evaluation of a configuration: normally the one next() proposed, but any point may be
  // told (the default configuration, a resumed session's evaluations).
  virtual void tell(const Config& config, const Evaluation& evaluation) = 0;
  // Up to `n` configurations that next() will propose after the current one whatever it is
  // told (so a session can compile them ahead, in parallel); empty where that is not known.
  virtual std::vector<Config> upcoming(std::size_t n) const {
    (void)n;
    return {};
  }
};

// Names accepted by make_strategy, the default first, for --help and error messages.
const std::vector<std::string>& strategy_names();
// Throws UsageError naming the accepted strategies when `name` is not one.
void require_strategy(std::string_view name);
// One line per strategy for --help.
std::string strategy_help();

// `valid` is the enumerated valid space the strategy draws from. Throws UsageError for an
// unknown name.
std::unique_ptr<Strategy> make_strategy(std::string_view name, const Space& space,
                                        const std::vector<Config>& valid, std::uint64_t seed);
// The same over an index built once (benchmarks run many seeds over one space).
std::unique_ptr<Strategy> make_strategy(std::string_view name,
                                        std::shared_ptr<const SpaceIndex> index,
                                        std::uint64_t seed);

}  // namespace ktune::tuner
