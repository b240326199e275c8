#pragma once
// How the evaluation of one configuration ended. Every evaluated variant gets exactly one.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ktune {

enum class Outcome {
  correct,            // ran and matched the reference
  wrong_result,       // ran, but the output differs from the reference (or holds NaN/Inf)
  compile_error,      // the compiler rejected the variant
  launch_error,       // the launch or the run failed (bad geometry, illegal address, ...)
  resource_exceeded,  // needs more threads, registers or shared memory than the device has
  timeout,            // a run took longer than the allowed time
  invalid,            // not a valid configuration (replay: recorded as failed or absent)
  pruned,             // skipped before running by static analysis (--prune)
};

// The outcome's name ("wrong_result"), as core/json.hpp writes it; nullopt for an unknown name.
std::string to_string(Outcome outcome);
std::optional<Outcome> outcome_from_string(std::string_view text);

// Thrown by a backend or the runner when a variant fails in a way that ends its evaluation but
// never the session: the runner records `outcome()` with `what()` as the message.
class VariantFailure : public std::runtime_error {
 public:
  VariantFailure(Outcome outcome, const std::string& message)
      : std::runtime_error(message), outcome_(outcome) {}
  Outcome outcome() const { return outcome_; }

 private:
  Outcome outcome_;
};

}  // namespace ktune
