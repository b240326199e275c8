#pragma once
// What `ktune export` generates from: a kernel's tuned table resolved against its family — the
// devices with the limits their constraints use, the distinct configurations with their defines
// and kernel file, and the table's rows — plus the constraints translated to C++.
#include <cstdint>
#include <string>
#include <vector>

#include "core/device_info.hpp"
#include "core/launch.hpp"
#include "kernels/family.hpp"
#include "package/launch_code.hpp"
#include "runtime/tuned_table.hpp"
#include "space/param.hpp"

namespace ktune::package {

// A device of the table, with what the generated code needs to re-check its constraints.
struct DeviceRow {
  DeviceInfo info;
  std::vector<std::int64_t> bindings;  // the device-derived bindings, in Model::device_bindings
  std::size_t constraint_set = 0;
  std::size_t default_config = 0;
};

struct ConfigRow {
  std::string canonical;
  std::vector<std::int64_t> values;  // in parameter order
  std::vector<Define> defines;
  std::vector<std::string> cuda_options;
  std::size_t source = 0;  // into LaunchCode::source_files
};

struct EntryRow {
  std::size_t device = 0;
  std::vector<std::int64_t> dims;
  std::size_t config = 0;
  double median_ms = 0;
  std::string problem;
};

struct Model {
  const kernels::Family* family = nullptr;
  LaunchCode code;
  std::vector<Param> params;
  std::vector<std::string> device_bindings;               // names, in DeviceRow::bindings order
  std::vector<std::vector<std::string>> constraint_sets;  // C++ expressions
  std::vector<DeviceRow> devices;
  std::vector<ConfigRow> configs;
  std::vector<EntryRow> entries;
  std::size_t generic_default = 0;  // the default for a device the table does not know
};

// Throws UsageError when the table is empty or the kernel cannot be exported.
Model build_model(const runtime::TunedTable& table, const kernels::Family& family);

// "matmul" -> "MATMUL", for macro names.
std::string upper(std::string text);

}  // namespace ktune::package
