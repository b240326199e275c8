#pragma once
// `ktune export`: turns a kernel's tuned table into a self-contained CMake package that another
// project uses with find_package(ktune_tuned) and target_link_libraries(... ktune::tuned_<kernel>):
//
//   DIR/ktune_tunedConfig.cmake, ktune_tunedConfigVersion.cmake   the package
//   DIR/ktune_tuned_<kernel>.cmake       the kernel's targets (several kernels share DIR)
//   DIR/include/ktune_tuned/<kernel>.hpp the generated table, dispatch, OpenCL and CUDA helpers
//   DIR/include/ktune_tuned/kernels/     the kernel sources and ktune_dialect.h
//   DIR/cuda/<kernel>_*.cu               one translation unit per tuned configuration (nvcc)
//   DIR/<kernel>.json                    the table, for ktune::runtime
//
// The generated header is standalone C++17: the table of (device, shape) -> configuration, the
// family's constraints translated to C++ (to re-check a configuration for another shape), the
// dispatch rules of db/lookup (exact, nearest shape, same architecture, default), the launch
// geometry, and the defines an OpenCL build needs.
#include <filesystem>

#include "kernels/family.hpp"
#include "runtime/tuned_table.hpp"

namespace ktune::package {

struct ExportSummary {
  std::filesystem::path directory;
  std::size_t entries = 0;         // (device, shape) rows of the table
  std::size_t configurations = 0;  // distinct configurations (CUDA translation units)
  std::size_t devices = 0;
};

// Throws UsageError when the table is empty; ktune::Error when a file cannot be written.
ExportSummary export_package(const runtime::TunedTable& table, const kernels::Family& family,
                             const std::filesystem::path& directory);

}  // namespace ktune::package
