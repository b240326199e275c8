#pragma once
// The constraint language: integer expressions over parameter names and problem/device values,
//   BM % (TM * VW) == 0 && (SMEM_A || VW == 1)
// Integer arithmetic (+ - * / %), comparisons, && || !, ?:, parentheses, true/false, and the
// functions min(a,b), max(a,b), ceil_div(a,b), abs(a). Names are resolved once, when parsed:
// to a parameter slot, to a constant, or to the label of a choice parameter.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace ktune {

// A malformed expression. The message names the expression, the column and what was expected.
class ExpressionError : public UsageError {
 public:
  ExpressionError(const std::string& message, std::size_t column)
      : UsageError(message), column_(column) {}
  std::size_t column() const { return column_; }  // 1-based

 private:
  std::size_t column_;
};

// How a name in an expression is understood.
struct Resolved {
  enum class Kind { slot, constant } kind = Kind::constant;
  std::size_t slot = 0;  // index into the values an expression is evaluated over
  std::int64_t constant = 0;
};
using Resolver = std::function<std::optional<Resolved>(std::string_view name)>;

class Expression {
 public:
  // Throws ExpressionError, also for a text longer than 4096 characters, nested deeper than 256
  // levels or not UTF-8. `known_names` only feeds the error message for unknown names.
  static Expression parse(std::string_view text, const Resolver& resolve,
                          std::string_view known_names = {});

  // Evaluates over slot values. Division or modulo by zero and results beyond int64 throw
  // std::domain_error.
  std::int64_t evaluate(std::span<const std::int64_t> slots) const;
  bool holds(std::span<const std::int64_t> slots) const { return evaluate(slots) != 0; }

  const std::string& text() const { return text_; }
  // The expression as C++ source over int64 values, with `slot(i)` naming slot i. Division,
  // modulo and ceil_div call `divide(a, b)`, `modulo(a, b)` and `ceil_div(a, b)`, which the
  // caller defines (e.g. to reject a zero divisor as evaluate() does). For generated code
  // (`ktune export` re-checks constraints in a standalone header).
  std::string to_cpp(const std::function<std::string(std::size_t slot)>& slot) const;
  const std::vector<std::size_t>& slots_used() const { return slots_used_; }  // sorted, unique

  enum class Op : std::uint8_t {
    constant,
    slot,
    neg,
    not_,
    add,
    sub,
    mul,
    div,
    mod,
    lt,
    le,
    gt,
    ge,
    eq,
    ne,
    and_,
    or_,
    select,
    min,
    max,
    ceil_div,
    abs
  };
  struct Node {
    Op op;
    std::int64_t value = 0;  // constant value or slot index
    int a = -1, b = -1, c = -1;
  };

 private:
  friend class ExpressionParser;
  std::int64_t eval(int node, std::span<const std::int64_t> slots) const;
  std::string cpp(int node, const std::function<std::string(std::size_t slot)>& slot) const;

  std::string text_;
  std::vector<Node> nodes_;
  int root_ = -1;
  std::vector<std::size_t> slots_used_;
};

}  // namespace ktune
