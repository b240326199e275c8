#pragma once
// The timestamps ktune stores and prints.
#include <string>

namespace ktune {

std::string now_utc();  // "2024-05-01T12:00:00Z"

}  // namespace ktune
