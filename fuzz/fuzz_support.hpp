#pragma once
// What every harness checks besides "no crash": an input that ktune refuses must be refused with
// one of its two expected errors (UsageError, Error), whose message is one line of UTF-8 text.
// Any other exception escapes the harness and libFuzzer reports it as a crash, as the CLI would
// report it as an "internal error".
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "core/error.hpp"
#include "core/utf8.hpp"

namespace ktune::fuzz {

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline void check_message(const char* what) {
  const std::string_view message(what);
  if (message.empty() || message.find('\n') != std::string_view::npos || invalid_utf8_at(message)) {
    std::fprintf(stderr, "bad error message (empty, several lines or not UTF-8): %s\n", what);
    std::abort();
  }
}

// Runs `f`: true when it completed, false when it refused the input as ktune should. With
// `messages` false only the kind of the exception is checked (see database_fuzzer.cpp).
template <typename F>
bool completes(F&& f, bool messages = true) {
  try {
    f();
    return true;
  } catch (const UsageError& e) {
    if (messages) check_message(e.what());
  } catch (const Error& e) {
    if (messages) check_message(e.what());
  }
  return false;
}

}  // namespace ktune::fuzz
