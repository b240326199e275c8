#include "cli/results_db.hpp"

#include <unistd.h>

#include <iostream>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.hpp"
#include "db/paths.hpp"
#include "kernels/family.hpp"

namespace ktune::cli {
namespace {

std::string describe(const db::StoredDevice& d) {
  std::string text = fmt::format("{} {}", d.id, d.info.name);
  std::vector<std::string> details;
  if (!d.info.architecture.empty()) details.push_back(d.info.architecture);
  if (!d.info.driver_version.empty()) details.push_back("driver " + d.info.driver_version);
  if (!d.info.runtime_version.empty()) details.push_back("runtime " + d.info.runtime_version);
  if (!details.empty()) text += " (" + fmt::format("{}", fmt::join(details, ", ")) + ")";
  return text;
}

std::string describe_all(const std::vector<db::StoredDevice>& devices) {
  std::vector<std::string> parts;
  for (const auto& d : devices)
    parts.push_back(describe(d));
  return fmt::format("{}", fmt::join(parts, "; "));
}

}  // namespace

db::Store open_results(const std::string& db_option) {
  const auto path = db::database_path(db_option);
  const bool writable = ::access(path.c_str(), W_OK) == 0;
  auto store = db::Store::open_existing(
      path, writable ? db::Store::Access::read_write : db::Store::Access::read_only);
  note_migration(store);
  return store;
}

void note_migration(const db::Store& store) {
  if (!store.migration_backup().empty())
    std::cerr << fmt::format("ktune: migrated '{}' to schema {}; the old file is kept as '{}'\n",
                             store.path(), db::Store::kSchemaVersion, store.migration_backup());
}

db::StoredDevice resolve_device(const db::Store& store, const std::string& selector) {
  const auto found = db::find_devices(store, selector);
  if (found.size() == 1) return found.front();
  if (found.empty()) {
    const auto all = db::devices(store, false);
    throw UsageError(fmt::format("--device {}: no stored device matches (stored: {})", selector,
                                 all.empty() ? "none" : describe_all(all)));
  }
  throw UsageError(
      fmt::format("--device {}: {} stored devices match ({}); give an id, or narrow it with "
                  "name=...,driver=...,runtime=...",
                  selector, found.size(), describe_all(found)));
}

Problem parse_problem(const db::Store& store, const std::string& kernel, const std::string& shape,
                      const std::string& dtype) {
  Problem problem;
  if (const auto* family = kernels::family_named(kernel)) {
    if (shape.find('=') != std::string::npos) {
      problem = family->default_problem();
      problem.dims = db::parse_shape_text(shape);
    } else {
      problem = family->parse_shape(shape);
    }
  } else {
    const auto stored = db::problems(store, kernel);
    if (stored.empty()) {
      std::vector<std::string> names;
      for (const auto* f : kernels::all_families())
        names.push_back(f->name());
      for (const auto& k : db::kernel_families(store))
        if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
      throw UsageError(
          fmt::format("unknown kernel '{}' (accepted: {})", kernel, fmt::join(names, ", ")));
    }
    problem.family = kernel;
    if (shape.find('=') != std::string::npos) {
      problem.dims = db::parse_shape_text(shape);
    } else {
      const auto& names = stored.front().problem.dims;
      std::vector<std::string> parts;
      std::size_t start = 0;
      for (;;) {
        const auto x = shape.find('x', start);
        parts.push_back(shape.substr(start, x - start));
        if (x == std::string::npos) break;
        start = x + 1;
      }
      std::vector<std::string> dim_names, sizes, pairs;
      for (const auto& [name, value] : names) {
        dim_names.push_back(name);
        sizes.push_back(std::to_string(value));
        pairs.push_back(fmt::format("{}={}", name, value));
      }
      const std::string syntax =
          fmt::format("{} sizes ({}): give them as {} or {}", names.size(),
                      fmt::join(dim_names, ", "), fmt::join(sizes, "x"), fmt::join(pairs, ","));
      if (parts.size() != names.size())
        throw UsageError(fmt::format("--shape {}: kernel '{}' has {}", shape, kernel, syntax));
      for (std::size_t i = 0; i < parts.size(); ++i) {
        std::size_t used = 0;
        long long value = 0;
        try {
          value = std::stoll(parts[i], &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used != parts[i].size() || value < 1)
          throw UsageError(
              fmt::format("--shape {}: '{}' is not a positive integer (kernel '{}' has {})", shape,
                          parts[i], kernel, syntax));
        problem.dims.emplace_back(names[i].first, value);
      }
    }
  }
  if (!dtype.empty()) problem.dtype = dtype;
  return problem;
}

std::optional<double> family_flops(const std::string& kernel, const Problem& problem) {
  const auto* family = kernels::family_named(kernel);
  if (!family) return std::nullopt;
  try {
    return family->flops(problem);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) line += ',';
    line += csv_field(fields[i]);
  }
  return line;
}

std::string number(std::optional<double> value, int decimals) {
  return value ? fmt::format("{:.{}f}", *value, decimals) : std::string();
}

}  // namespace ktune::cli
