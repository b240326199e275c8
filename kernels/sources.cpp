#include "kernels/sources.hpp"

#include <map>
#include <stdexcept>

namespace ktune::kernels {

const std::map<std::string, std::string_view, std::less<>>& embedded_files();  // generated

std::string_view source_file(std::string_view path) {
  const auto& files = embedded_files();
  auto it = files.find(path);
  if (it == files.end()) throw std::out_of_range("no embedded kernel file " + std::string(path));
  return it->second;
}

std::string assemble(std::string_view path) {
  static constexpr std::string_view kInclude = "#include \"ktune_dialect.h\"";
  const std::string_view dialect = source_file("kernels/ktune_dialect.h");
  std::string text(source_file(path));
  for (auto pos = text.find(kInclude); pos != std::string::npos; pos = text.find(kInclude, pos)) {
    text.replace(pos, kInclude.size(), dialect);
    pos += dialect.size();
  }
  return text;
}

}  // namespace ktune::kernels
