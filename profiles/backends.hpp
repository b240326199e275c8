#pragma once
// The registry of backends that were built in, and device selection across them.
#include <memory>
#include <string>
#include <vector>

#include "profiles/device.hpp"

namespace ktune::profiles {

// Names of every backend ktune knows, built or not: "cuda", "opencl", "replay".
const std::vector<std::string>& known_backends();

// A backend that was built in, or nullptr with `why` set (e.g. "CUDA support was not built").
std::unique_ptr<Backend> make_backend(const std::string& name, std::string* why = nullptr);

struct Selection {
  std::unique_ptr<Backend> backend;
  DeviceInfo device;
};

// The device to tune on: the given backend and index, or the best one found (CUDA if it has a
// device, else OpenCL; the first device unless `index` says otherwise). Throws UsageError for an
// unknown backend or index, and Error when no backend has a device (with every backend's reason).
Selection select_device(const std::string& backend = {}, int index = -1);

}  // namespace ktune::profiles
