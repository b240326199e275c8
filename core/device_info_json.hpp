#pragma once
// DeviceInfo as JSON, one shape for every place that writes or reads it (`ktune devices
// --format json`, the tables `ktune export` writes).
#include <nlohmann/json.hpp>

#include "core/device_info.hpp"

namespace ktune {

nlohmann::json to_json(const DeviceInfo& device);
// Missing fields keep their defaults; throws nlohmann::json::exception for a wrong type, or a
// missing backend or name.
DeviceInfo device_info_from_json(const nlohmann::json& json);

}  // namespace ktune
