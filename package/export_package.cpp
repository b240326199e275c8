#include "package/export_package.hpp"

#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "kernels/sources.hpp"
#include "package/cmake_files.hpp"
#include "package/generated_code.hpp"
#include "package/package_model.hpp"

namespace ktune::package {
namespace {

void write_file(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw Error(fmt::format("ktune export: cannot write '{}'", path.string()));
}

}  // namespace

ExportSummary export_package(const runtime::TunedTable& table, const kernels::Family& family,
                             const std::filesystem::path& directory) {
  const Model model = build_model(table, family);
  const std::string k = model.code.kernel;
  ExportSummary summary;
  summary.directory = directory;
  auto write = [&](const std::filesystem::path& relative, std::string_view text) {
    write_file(directory / relative, text);
  };
  try {
    std::filesystem::create_directories(directory);
  } catch (const std::filesystem::filesystem_error& e) {
    throw Error(fmt::format("ktune export: cannot create '{}': {}", directory.string(),
                            e.code().message()));
  }
  // Configurations of an earlier export of this kernel are replaced, not mixed in.
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(directory / "cuda", ignored))
    if (entry.path().filename().string().starts_with(k + "_v"))
      std::filesystem::remove(entry.path(), ignored);

  write("ktune_tunedConfig.cmake", config_file_text());
  write("ktune_tunedConfigVersion.cmake", version_file_text());
  write("ktune_tuned_" + k + ".cmake", targets_file_text(model));
  write(std::filesystem::path("include/ktune_tuned") / (k + ".hpp"),
        header_text(model, table.source));
  write("include/ktune_tuned/kernels/ktune_dialect.h",
        kernels::source_file("kernels/ktune_dialect.h"));
  for (const auto& file : model.code.source_files)
    write(std::filesystem::path("include/ktune_tuned/kernels") / file.substr(file.find('/') + 1),
          kernels::source_file("kernels/" + file));
  for (std::size_t i = 0; i < model.configs.size(); ++i)
    write(std::filesystem::path("cuda") / fmt::format("{}_v{}.cu", k, i), cuda_unit(model, i));
  write(k + ".json", runtime::to_json(table).dump(2) + "\n");
  summary.entries = model.entries.size();
  summary.configurations = model.configs.size();
  summary.devices = model.devices.size();
  return summary;
}

}  // namespace ktune::package