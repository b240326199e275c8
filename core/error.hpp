#pragma once
// The two kinds of expected failure. Anything else that escapes is a bug.
#include <stdexcept>

namespace ktune {

// The user can fix it by changing the command line or its input files. The CLI exits with 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Something in the environment failed (device, driver, file, database). The CLI exits with 1.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ktune
