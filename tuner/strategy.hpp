#pragma once
// A search strategy proposes configurations and learns from their evaluations. It does no I/O
// and is deterministic for a given seed: the same calls (next, propose, tell, in the same order,
// with the same evaluations) give the same proposals, which is what lets a session resume by
// replaying what it stored. Failed evaluations are told like any other: the strategy sees them
// as invalid points (no objective).
//
// Several devices: propose(n) hands out up to n configurations to evaluate at the same time.
// A proposal is pending until it is told, and no configuration is proposed again while it is
// pending or once evaluated; results may be told in any order. The model-guided strategies
// treat pending points as if they had evaluated as well as the best so far (a constant liar),
// so the proposals of one batch spread out; the population strategies hand out their
// generation; the others need nothing.
//
// Threading: a strategy is not thread-safe and its calls must not overlap, but they may come
// from different threads as long as each call finishes before the next one starts (a mutex,
// or joining the thread that made it). prepare() is the call meant for the time the devices
// measure: it does ahead of time the part of the next proposal's work that does not depend on
// the results still pending (the Gaussian-process strategies refit their hyperparameters and
// kernel there), and never changes what is proposed, so a session may call it or not, on any
// thread, without changing the search. tell() only records (no model work), so results can be
// told as they arrive.
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
  // The next configuration to evaluate (one of the valid points), pending until told; nullopt
  // when none is left (every configuration evaluated, or the rest pending).
  virtual std::optional<Config> next() = 0;
  // Up to `n` configurations to evaluate at the same time, each pending until told; fewer when
  // fewer are left. The default asks next() `n` times.
  virtual std::vector<Config> propose(std::size_t n);
  // The evaluation of a configuration: normally one that was proposed (pending ones in any
  // order), but any point may be told (the default configuration, a resumed session's
  // evaluations).
  virtual void tell(const Config& config, const Evaluation& evaluation) = 0;
  // The work of the next proposal that does not depend on pending results, done now (see the
  // threading note above). Never changes what is proposed.
  virtual void prepare() {}
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
