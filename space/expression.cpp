#include "space/expression.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "core/utf8.hpp"

namespace ktune {
namespace {

// Limits that keep parsing and evaluation (both recursive) far from the end of the stack, whatever
// the text: longer texts and deeper nesting are refused, never a crash.
constexpr std::size_t kMaxLength = 4096;
constexpr int kMaxDepth = 256;

// The text as a message quotes it: whole when short, else the part around `column` (1-based).
std::string excerpt(std::string_view text, std::size_t column) {
  constexpr std::size_t kShown = 80;
  if (text.size() <= kShown) return printable(text);
  std::size_t start = column > kShown / 2 ? column - 1 - kShown / 2 : 0;
  start = std::min(start, text.size() - kShown);
  std::size_t end = start + kShown;
  auto continuation = [&](std::size_t i) {
    return (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
  };
  while (start > 0 && continuation(start))  // cut between characters
    --start;
  while (end < text.size() && continuation(end))
    ++end;
  return (start > 0 ? "..." : "") + printable(text.substr(start, end - start)) +
         (end < text.size() ? "..." : "");
}

struct Token {
  enum class Kind { number, name, op, end } kind;
  std::string text;
  std::int64_t number = 0;
  std::size_t column = 1;  // 1-based
};

std::vector<Token> tokenize(std::string_view text) {
  static constexpr std::string_view kTwoChar[] = {"==", "!=", "<=", ">=", "&&", "||"};
  static constexpr std::string_view kOneChar = "+-*/%<>!()?:,";
  if (text.size() > kMaxLength)
    throw ExpressionError(fmt::format("constraint of {} characters is too long (at most {})",
                                      text.size(), kMaxLength),
                          kMaxLength + 1);
  if (const auto bad = invalid_utf8_at(text))
    throw ExpressionError(fmt::format("constraint is not UTF-8 text (byte 0x{:02X} at column {})",
                                      static_cast<unsigned char>(text[*bad]), *bad + 1),
                          *bad + 1);
  std::vector<Token> tokens;
  std::size_t i = 0;
  auto fail = [&](const std::string& what, std::size_t at) -> void {
    throw ExpressionError(
        fmt::format("constraint '{}': {} at column {}", excerpt(text, at + 1), what, at + 1),
        at + 1);
  };
  while (i < text.size()) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      std::size_t start = i;
      std::int64_t value = 0;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        if (value > (INT64_MAX - (text[i] - '0')) / 10) fail("number too large", start);
        value = value * 10 + (text[i] - '0');
        ++i;
      }
      if (i < text.size() && (std::isalpha(static_cast<unsigned char>(text[i])) || text[i] == '_'))
        fail(fmt::format("malformed number '{}'", text.substr(start, i - start + 1)), start);
      tokens.push_back(
          {Token::Kind::number, std::string(text.substr(start, i - start)), value, start + 1});
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t start = i;
      while (i < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_'))
        ++i;
      tokens.push_back(
          {Token::Kind::name, std::string(text.substr(start, i - start)), 0, start + 1});
    } else {
      std::string_view rest = text.substr(i);
      bool matched = false;
      for (auto op : kTwoChar) {
        if (rest.starts_with(op)) {
          tokens.push_back({Token::Kind::op, std::string(op), 0, i + 1});
          i += 2;
          matched = true;
          break;
        }
      }
      if (matched) continue;
      if (kOneChar.find(c) == std::string_view::npos)
        fail(fmt::format("unexpected '{}'",
                         printable(text.substr(i, utf8_length(static_cast<unsigned char>(c))))),
             i);
      tokens.push_back({Token::Kind::op, std::string(1, c), 0, i + 1});
      ++i;
    }
  }
  tokens.push_back({Token::Kind::end, "", 0, text.size() + 1});
  return tokens;
}

}  // namespace

// Recursive descent, C precedence: ?: < || < && < == != < < <= > >= < + - < * / % < unary.
class ExpressionParser {
 public:
  ExpressionParser(std::string_view text, const Resolver& resolve, std::string_view known)
      : text_(text), resolve_(resolve), known_(known), tokens_(tokenize(text)) {}

  Expression parse() {
    if (tokens_.front().kind == Token::Kind::end) fail("empty expression", tokens_.front());
    expr_.text_ = std::string(text_);
    expr_.root_ = ternary();
    if (peek().kind != Token::Kind::end)
      fail(fmt::format("unexpected '{}' after a complete expression", peek().text), peek());
    std::sort(slots_.begin(), slots_.end());
    slots_.erase(std::unique(slots_.begin(), slots_.end()), slots_.end());
    expr_.slots_used_ = slots_;
    return std::move(expr_);
  }

 private:
  using Op = Expression::Op;

  const Token& peek() const { return tokens_[pos_]; }
  bool accept(std::string_view op) {
    if (peek().kind == Token::Kind::op && peek().text == op) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(std::string_view op) {
    if (!accept(op)) {
      const Token& t = peek();
      fail(fmt::format("expected '{}' but found {}", op,
                       t.kind == Token::Kind::end ? "the end" : "'" + t.text + "'"),
           t);
    }
  }
  [[noreturn]] void fail(const std::string& what, const Token& at) const {
    throw ExpressionError(
        fmt::format("constraint '{}': {} at column {}", excerpt(text_, at.column), what, at.column),
        at.column);
  }
  [[noreturn]] void too_deep() const {
    fail(fmt::format("nested too deep (at most {} levels of parentheses and operators)", kMaxDepth),
         peek());
  }
  // Each node's depth bounds the recursion of evaluate() and to_cpp() over it.
  int add(Op op, std::int64_t value = 0, int a = -1, int b = -1, int c = -1) {
    int depth = 0;
    for (int child : {a, b, c})
      if (child >= 0) depth = std::max(depth, depths_[static_cast<std::size_t>(child)]);
    if (depth + 1 > kMaxDepth) too_deep();
    expr_.nodes_.push_back({op, value, a, b, c});
    depths_.push_back(depth + 1);
    return static_cast<int>(expr_.nodes_.size()) - 1;
  }
  // Bounds the parser's own recursion: parentheses, prefix operators and ?: branches.
  class Nesting {
   public:
    explicit Nesting(ExpressionParser& parser) : parser_(parser) {
      if (++parser_.nesting_ > kMaxDepth) parser_.too_deep();
    }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;
    ~Nesting() { --parser_.nesting_; }

   private:
    ExpressionParser& parser_;
  };

  int ternary() {
    const Nesting nesting(*this);
    int cond = logical_or();
    if (accept("?")) {
      int then = ternary();
      expect(":");
      int otherwise = ternary();
      return add(Op::select, 0, cond, then, otherwise);
    }
    return cond;
  }
  int logical_or() {
    int left = logical_and();
    while (accept("||"))
      left = add(Op::or_, 0, left, logical_and());
    return left;
  }
  int logical_and() {
    int left = equality();
    while (accept("&&"))
      left = add(Op::and_, 0, left, equality());
    return left;
  }
  int equality() {
    int left = relational();
    for (;;) {
      if (accept("=="))
        left = add(Op::eq, 0, left, relational());
      else if (accept("!="))
        left = add(Op::ne, 0, left, relational());
      else
        return left;
    }
  }
  int relational() {
    int left = additive();
    for (;;) {
      if (accept("<="))
        left = add(Op::le, 0, left, additive());
      else if (accept(">="))
        left = add(Op::ge, 0, left, additive());
      else if (accept("<"))
        left = add(Op::lt, 0, left, additive());
      else if (accept(">"))
        left = add(Op::gt, 0, left, additive());
      else
        return left;
    }
  }
  int additive() {
    int left = multiplicative();
    for (;;) {
      if (accept("+"))
        left = add(Op::add, 0, left, multiplicative());
      else if (accept("-"))
        left = add(Op::sub, 0, left, multiplicative());
      else
        return left;
    }
  }
  int multiplicative() {
    int left = unary();
    for (;;) {
      if (accept("*"))
        left = add(Op::mul, 0, left, unary());
      else if (accept("/"))
        left = add(Op::div, 0, left, unary());
      else if (accept("%"))
        left = add(Op::mod, 0, left, unary());
      else
        return left;
    }
  }
  int unary() {
    const Nesting nesting(*this);
    if (accept("!")) return add(Op::not_, 0, unary());
    if (accept("-")) return add(Op::neg, 0, unary());
    if (accept("+")) return unary();
    return primary();
  }
  int primary() {
    const Token t = peek();
    if (t.kind == Token::Kind::number) {
      ++pos_;
      return add(Op::constant, t.number);
    }
    if (accept("(")) {
      int inner = ternary();
      expect(")");
      return inner;
    }
    if (t.kind == Token::Kind::name) {
      ++pos_;
      if (t.text == "true") return add(Op::constant, 1);
      if (t.text == "false") return add(Op::constant, 0);
      if (peek().kind == Token::Kind::op && peek().text == "(") return call(t);
      auto resolved = resolve_ ? resolve_(t.text) : std::nullopt;
      if (!resolved) {
        fail(known_.empty() ? fmt::format("unknown name '{}'", t.text)
                            : fmt::format("unknown name '{}' (known: {})", t.text, known_),
             t);
      }
      if (resolved->kind == Resolved::Kind::constant) return add(Op::constant, resolved->constant);
      slots_.push_back(resolved->slot);
      return add(Op::slot, static_cast<std::int64_t>(resolved->slot));
    }
    fail(t.kind == Token::Kind::end ? "expected a value but found the end"
                                    : fmt::format("expected a value but found '{}'", t.text),
         t);
  }
  int call(const Token& name) {
    struct Function {
      std::string_view name;
      Op op;
      int arity;
    };
    static constexpr Function kFunctions[] = {{"min", Op::min, 2},
                                              {"max", Op::max, 2},
                                              {"ceil_div", Op::ceil_div, 2},
                                              {"abs", Op::abs, 1}};
    const Function* f = nullptr;
    for (const auto& candidate : kFunctions)
      if (candidate.name == name.text) f = &candidate;
    if (!f)
      fail(fmt::format("unknown function '{}' (known: min, max, ceil_div, abs)", name.text), name);
    expect("(");
    int a = ternary();
    int b = -1;
    if (f->arity == 2) {
      expect(",");
      b = ternary();
    }
    expect(")");
    return add(f->op, 0, a, b);
  }

  std::string_view text_;
  const Resolver& resolve_;
  std::string_view known_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  Expression expr_;
  std::vector<int> depths_;  // of each node of expr_
  int nesting_ = 0;
  std::vector<std::size_t> slots_;
};

Expression Expression::parse(std::string_view text, const Resolver& resolve,
                             std::string_view known_names) {
  return ExpressionParser(text, resolve, known_names).parse();
}

std::int64_t Expression::evaluate(std::span<const std::int64_t> slots) const {
  return eval(root_, slots);
}

std::int64_t Expression::eval(int index, std::span<const std::int64_t> slots) const {
  const Node& n = nodes_[static_cast<std::size_t>(index)];
  auto A = [&] { return eval(n.a, slots); };
  auto B = [&] { return eval(n.b, slots); };
  // Signed overflow is undefined behaviour, and INT64_MIN / -1 traps: a value out of range makes
  // the point fail the constraint, as a division by zero does.
  auto overflow = [&]() -> std::int64_t {
    throw std::domain_error("integer overflow in '" + text_ + "'");
  };
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  std::int64_t r = 0;
  switch (n.op) {
    case Op::constant:
      return n.value;
    case Op::slot:
      return slots[static_cast<std::size_t>(n.value)];
    case Op::neg: {
      const std::int64_t a = A();
      return a == kMin ? overflow() : -a;
    }
    case Op::not_:
      return A() == 0;
    case Op::add:
      if (__builtin_add_overflow(A(), B(), &r)) return overflow();
      return r;
    case Op::sub:
      if (__builtin_sub_overflow(A(), B(), &r)) return overflow();
      return r;
    case Op::mul:
      if (__builtin_mul_overflow(A(), B(), &r)) return overflow();
      return r;
    case Op::div:
    case Op::mod:
    case Op::ceil_div: {
      const std::int64_t a = A(), b = B();
      if (b == 0) throw std::domain_error("division by zero in '" + text_ + "'");
      if (a == kMin && b == -1) return n.op == Op::mod ? 0 : overflow();
      if (n.op == Op::div) return a / b;
      if (n.op == Op::mod) return a % b;
      std::int64_t b_minus_1 = 0;
      if (__builtin_sub_overflow(b, 1, &b_minus_1) || __builtin_add_overflow(a, b_minus_1, &r))
        return overflow();
      return r / b;
    }
    case Op::lt:
      return A() < B();
    case Op::le:
      return A() <= B();
    case Op::gt:
      return A() > B();
    case Op::ge:
      return A() >= B();
    case Op::eq:
      return A() == B();
    case Op::ne:
      return A() != B();
    case Op::and_:
      return A() != 0 && B() != 0;
    case Op::or_:
      return A() != 0 || B() != 0;
    case Op::select:
      return A() != 0 ? B() : eval(n.c, slots);
    case Op::min:
      return std::min(A(), B());
    case Op::max:
      return std::max(A(), B());
    case Op::abs: {
      const std::int64_t a = A();
      return a == kMin ? overflow() : std::abs(a);
    }
  }
  return 0;
}

std::string Expression::to_cpp(const std::function<std::string(std::size_t slot)>& slot) const {
  return cpp(root_, slot);
}

std::string Expression::cpp(int node,
                            const std::function<std::string(std::size_t slot)>& slot) const {
  const Node& n = nodes_[static_cast<std::size_t>(node)];
  auto A = [&] { return cpp(n.a, slot); };
  auto B = [&] { return cpp(n.b, slot); };
  auto binary = [&](const char* op) { return "(" + A() + " " + op + " " + B() + ")"; };
  auto call = [&](const char* f) { return std::string(f) + "(" + A() + ", " + B() + ")"; };
  switch (n.op) {
    case Op::constant:
      return "std::int64_t{" + std::to_string(n.value) + "}";
    case Op::slot:
      return slot(static_cast<std::size_t>(n.value));
    case Op::neg:
      return "(-" + A() + ")";
    case Op::not_:
      return "std::int64_t(" + A() + " == 0)";
    case Op::add:
      return binary("+");
    case Op::sub:
      return binary("-");
    case Op::mul:
      return binary("*");
    case Op::div:
      return call("divide");
    case Op::mod:
      return call("modulo");
    case Op::ceil_div:
      return call("ceil_div");
    case Op::lt:
      return "std::int64_t" + binary("<");
    case Op::le:
      return "std::int64_t" + binary("<=");
    case Op::gt:
      return "std::int64_t" + binary(">");
    case Op::ge:
      return "std::int64_t" + binary(">=");
    case Op::eq:
      return "std::int64_t" + binary("==");
    case Op::ne:
      return "std::int64_t" + binary("!=");
    case Op::and_:
      return "std::int64_t(" + A() + " != 0 && " + B() + " != 0)";
    case Op::or_:
      return "std::int64_t(" + A() + " != 0 || " + B() + " != 0)";
    case Op::select:
      return "(" + A() + " != 0 ? " + B() + " : " + cpp(n.c, slot) + ")";
    case Op::min:
      return call("std::min");
    case Op::max:
      return call("std::max");
    case Op::abs:
      return "std::abs(" + A() + ")";
  }
  return "std::int64_t{0}";
}

}  // namespace ktune
