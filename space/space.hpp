#pragma once
// A search space: typed parameters, constraints over them and over named problem/device values
// ("bindings"), an optional explicit list of allowed points (a replayed dataset), and the
// canonical text of a configuration ("BM=64,BN=64,TM=4").
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "space/config.hpp"
#include "space/expression.hpp"
#include "space/param.hpp"

namespace ktune {

// Named integers that constraints may use besides parameters: problem sizes (M, N, K, ...) and
// device limits (max_threads, max_shared, ...).
using Bindings = std::map<std::string, std::int64_t, std::less<>>;

class Space {
 public:
  Space() = default;
  explicit Space(std::vector<Param> params, Bindings bindings = {});

  // Adds a constraint; throws ExpressionError (a UsageError) pointing at the bad token.
  void add_constraint(std::string_view text);
  // --set P=V: the parameter keeps only that value. Throws UsageError for an unknown parameter or
  // a value it does not accept.
  void fix(std::string_view name, std::string_view value);
  // Only these points are valid (in addition to the constraints); used for recorded spaces.
  void restrict_to(std::vector<Config> allowed);

  const std::vector<Param>& params() const { return params_; }
  const Bindings& bindings() const { return bindings_; }
  const std::vector<Expression>& constraints() const { return constraints_; }
  std::optional<std::size_t> index_of(std::string_view name) const;
  const Param& param(std::string_view name) const;  // throws UsageError if unknown

  // An expression over this space's parameters, bindings and choice labels; names it does not
  // know go to `extra`. Throws ExpressionError. (Launch geometry, kernel arguments.)
  Expression parse(std::string_view text, const Resolver& extra = {}) const;
  // Its value for `config`. Division by zero throws std::domain_error.
  std::int64_t evaluate(const Expression& expression, const Config& config) const {
    return expression.evaluate(config.values);
  }

  Config default_config() const;
  // Nullopt when valid; else why not ("violates 'BM % TM == 0'", "BM=48 is not a value of BM").
  std::optional<std::string> violation(const Config& config) const;
  bool is_valid(const Config& config) const { return !violation(config); }
  // The first constraint that cannot be evaluated at `config` (a division by zero, an overflow),
  // as "division by zero in 'BM / 0 > 1'"; nullopt when every one can. Says why a space whose
  // constraints divide by zero everywhere is empty.
  std::optional<std::string> evaluation_error(const Config& config) const;

  // Every valid configuration, in lexicographic order of parameter value positions. Constraints
  // are checked as soon as their last parameter is assigned, so invalid subtrees are never
  // expanded.
  std::vector<Config> enumerate() const;
  // Number of points in the cross product of parameter values (saturates at UINT64_MAX).
  std::uint64_t cross_product_size() const;

  std::int64_t value(const Config& config, std::string_view name) const;
  std::string canonical(const Config& config) const;
  // Parses "P=V,P=V,..."; parameters not mentioned take their default. Throws UsageError naming
  // the unknown parameter or the rejected value and what is accepted.
  Config parse_config(std::string_view text) const;
  std::string known_names() const;

 private:
  Resolver resolver() const;
  void rebuild_schedule();
  bool constraint_holds(const Expression& e, const std::vector<std::int64_t>& values) const;

  std::vector<Param> params_;
  Bindings bindings_;
  std::vector<Expression> constraints_;
  // schedule_[i]: constraints whose highest parameter is i, checked right after assigning it;
  // constant constraints sit at the front of `always_`.
  std::vector<std::vector<std::size_t>> schedule_;
  std::vector<std::size_t> always_;
  std::optional<std::vector<Config>> allowed_;  // sorted
  std::unordered_set<Config, ConfigHash> allowed_set_;
};

}  // namespace ktune
