#pragma once
// --prune: rules that drop a variant after it compiled and before it runs, judged on what the
// compiler reported (registers, spills, shared memory) and the theoretical occupancy of its
// launch. A pruned variant is recorded with outcome `pruned` and the rule that fired.
//
//   spills              any spill store or load
//   occupancy<X         theoretical occupancy below X (0 < X <= 1)
//   registers>N         more than N registers per thread
//   stack>N             a stack frame over N bytes
//   shared>N            more than N bytes of static shared memory per block
//
// Rules are separated by commas: --prune spills,occupancy<0.25
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/evaluation.hpp"

namespace ktune::profiles {

class PruneRules {
 public:
  PruneRules() = default;
  // Throws UsageError naming the bad rule and the accepted forms.
  static PruneRules parse(std::string_view text);

  bool empty() const { return rules_.empty(); }
  const std::string& text() const { return text_; }

  // Why `resources` should be pruned ("spills: 24 bytes stored, 24 loaded"), or nullopt. A
  // rule whose figure is unknown does not fire.
  std::optional<std::string> reason(const Resources& resources) const;

 private:
  enum class Kind { spills, occupancy_below, registers_above, stack_above, shared_above };
  struct Rule {
    Kind kind;
    double limit = 0;
  };
  std::vector<Rule> rules_;
  std::string text_;
};

}  // namespace ktune::profiles
