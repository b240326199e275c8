#include <memory>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "kernels/conv2d/conv2d_family.hpp"
#include "kernels/family.hpp"
#include "kernels/matmul/matmul_family.hpp"

namespace ktune::kernels {
namespace {

std::vector<std::unique_ptr<Family>>& registry() {
  static auto families = [] {
    std::vector<std::unique_ptr<Family>> list;
    list.push_back(make_matmul_family());
    list.push_back(make_conv2d_family());
    return list;
  }();
  return families;
}

}  // namespace

void register_family(std::unique_ptr<Family> family) {
  if (family_named(family->name()))
    throw Error(fmt::format("a kernel family named '{}' is registered already", family->name()));
  registry().push_back(std::move(family));
}

std::vector<const Family*> all_families() {
  std::vector<const Family*> list;
  for (const auto& f : registry())
    list.push_back(f.get());
  return list;
}

const Family* family_named(std::string_view name) {
  for (const auto& f : registry())
    if (f->name() == name) return f.get();
  return nullptr;
}

const Family& find_family(std::string_view name) {
  std::string names;
  for (const auto& f : registry()) {
    if (f->name() == name) return *f;
    names += (names.empty() ? "" : ", ") + f->name();
  }
  throw UsageError(fmt::format("unknown kernel '{}' (accepted: {})", name, names));
}

}  // namespace ktune::kernels
