#pragma once
// The OpenCL device the tests run kernels on (PoCL in CI). Its absence fails the test: CI
// installs PoCL, so a missing device means a broken setup, not a skipped test.
#include <gtest/gtest.h>

#include <memory>

#include "profiles/backends.hpp"

namespace ktune::profiles {

inline std::unique_ptr<Device> open_test_device() {
  auto backend = make_backend("opencl");
  auto found = backend->discover();
  if (found.devices.empty()) {
    ADD_FAILURE() << "no OpenCL device (install pocl-opencl-icd): " << found.problem;
    return nullptr;
  }
  return backend->open(0);
}

}  // namespace ktune::profiles
