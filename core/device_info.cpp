#include "core/device_info.hpp"

#include <fmt/format.h>

namespace ktune {

std::string DeviceInfo::fingerprint() const {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}", backend, name, architecture, compute_units,
                     global_memory_bytes, driver_version, runtime_version);
}

}  // namespace ktune
