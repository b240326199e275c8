#pragma once
// Checking CUPTI calls: one helper that names the failed call and CUPTI's name for the result,
// and a no-throw twin for destructors. CUPTI parameter structs are built with params<T>(), which
// zero-fills them and sets structSize (the field CUPTI uses to tell struct versions apart).
#include <cupti_result.h>

#include <cstddef>
#include <string>

#include "core/error.hpp"
#include "profiles/cuda/cuda_api.hpp"

namespace ktune::profiles::cuda::cupti {

// A CUPTI call failed. what(): "CUPTI: cuptiRangeProfilerEnable failed:
// CUPTI_ERROR_INSUFFICIENT_PRIVILEGES (35)".
class CuptiError : public Error {
 public:
  CuptiError(CUptiResult code, std::string call);
  CUptiResult code() const { return code_; }
  const std::string& call() const { return call_; }

 private:
  CUptiResult code_;
  std::string call_;
};

// CUPTI's name for a result ("CUPTI_ERROR_INVALID_PARAMETER"), or "CUPTI result N".
std::string result_name(CUptiResult code);

// Throws CuptiError when `code` is not CUPTI_SUCCESS.
void check(CUptiResult code, const char* call);
// For destructors and cleanup paths: never throws; reports a failure on stderr, returns false.
bool check_nothrow(CUptiResult code, const char* call) noexcept;

template <class Params>
Params params(std::size_t struct_size) {
  Params p{};
  p.structSize = struct_size;
  return p;
}

}  // namespace ktune::profiles::cuda::cupti

// KTUNE_CUPTI(cuptiProfilerHostInitialize, p): calls fn(&p) and checks it, naming fn.
// Through the function table (profiles/cuda/cuda_api.hpp), so that tests can script CUPTI.
#define KTUNE_CUPTI(fn, params) \
  ::ktune::profiles::cuda::cupti::check(::ktune::profiles::cuda::api().fn(&(params)), #fn)
#define KTUNE_CUPTI_NOTHROW(fn, params) \
  ::ktune::profiles::cuda::cupti::check_nothrow(::ktune::profiles::cuda::api().fn(&(params)), #fn)
