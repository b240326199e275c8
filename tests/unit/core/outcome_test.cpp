#include "core/outcome.hpp"

#include <gtest/gtest.h>

namespace ktune {
namespace {

TEST(Outcome, NamesRoundTrip) {
  for (auto o :
       {Outcome::correct, Outcome::wrong_result, Outcome::compile_error, Outcome::launch_error,
        Outcome::resource_exceeded, Outcome::timeout, Outcome::invalid, Outcome::pruned}) {
    auto back = outcome_from_string(to_string(o));
    ASSERT_TRUE(back.has_value()) << to_string(o);
    EXPECT_EQ(*back, o);
  }
  EXPECT_FALSE(outcome_from_string("fine").has_value());
}

TEST(Outcome, VariantFailureCarriesOutcomeAndMessage) {
  try {
    throw VariantFailure(Outcome::timeout, "took 12 s");
  } catch (const VariantFailure& f) {
    EXPECT_EQ(f.outcome(), Outcome::timeout);
    EXPECT_STREQ(f.what(), "took 12 s");
  }
}

}  // namespace
}  // namespace ktune
