#pragma once
// Every valid configuration once, in enumeration order.
#include <algorithm>
#include <cstddef>

#include "tuner/strategy.hpp"

namespace ktune::tuner {

class ExhaustiveStrategy final : public Strategy {
 public:
  explicit ExhaustiveStrategy(std::vector<Config> valid) : valid_(std::move(valid)) {}
  std::string name() const override { return "exhaustive"; }
  std::optional<Config> next() override {
    if (position_ == valid_.size()) return std::nullopt;
    return valid_[position_++];
  }
  void tell(const Config&, const Evaluation&) override {}
  std::vector<Config> upcoming(std::size_t n) const override {
    const std::size_t end = std::min(valid_.size(), position_ + n);
    return {valid_.begin() + static_cast<std::ptrdiff_t>(position_),
            valid_.begin() + static_cast<std::ptrdiff_t>(end)};
  }

 private:
  std::vector<Config> valid_;
  std::size_t position_ = 0;
};

}  // namespace ktune::tuner
