#pragma once
// The CMake files of an exported package: the package config and version files, and one
// targets file per kernel.
#include <string>

#include "package/package_model.hpp"

namespace ktune::package {

std::string config_file_text();
std::string version_file_text();
std::string targets_file_text(const Model& model);

}  // namespace ktune::package
