#include "profiles/cuda/cupti/cupti_check.hpp"

#include <cupti.h>

#include <cstdio>

#include <fmt/format.h>

namespace ktune::profiles::cuda::cupti {
namespace {

std::string failure_text(CUptiResult code, const std::string& call) {
  return fmt::format("CUPTI: {} failed: {} ({})", call, result_name(code), static_cast<int>(code));
}

}  // namespace

CuptiError::CuptiError(CUptiResult code, std::string call)
    : Error(failure_text(code, call)), code_(code), call_(std::move(call)) {}

std::string result_name(CUptiResult code) {
  const char* text = nullptr;
  if (cuptiGetResultString(code, &text) == CUPTI_SUCCESS && text) return text;
  return fmt::format("CUPTI result {}", static_cast<int>(code));
}

void check(CUptiResult code, const char* call) {
  if (code != CUPTI_SUCCESS) throw CuptiError(code, call);
}

bool check_nothrow(CUptiResult code, const char* call) noexcept {
  if (code == CUPTI_SUCCESS) return true;
  const char* text = nullptr;
  if (cuptiGetResultString(code, &text) != CUPTI_SUCCESS || !text) text = "unknown result";
  std::fprintf(stderr, "ktune: warning: CUPTI: %s failed during cleanup: %s (%d)\n", call, text,
               static_cast<int>(code));
  return false;
}

}  // namespace ktune::profiles::cuda::cupti
