#pragma once
// Every valid configuration once, in enumeration order.
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

 private:
  std::vector<Config> valid_;
  std::size_t position_ = 0;
};

}  // namespace ktune::tuner
