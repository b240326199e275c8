#include "cli/shape_list.hpp"

#include <fstream>
#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace ktune::cli {
namespace {

std::string trimmed(std::string text) {
  if (const auto hash = text.find('#'); hash != std::string::npos) text.erase(hash);
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

}  // namespace

std::vector<ListedShape> read_shape_list(const kernels::Family& family, const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw UsageError(
        fmt::format("--shapes {}: cannot read it (expected a file with one {} shape "
                    "a line, e.g. {})",
                    path, family.name(), family.default_problem().canonical()));
  std::vector<ListedShape> shapes;
  std::set<std::string> seen;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    std::string text = trimmed(line);
    if (text.empty()) continue;
    Problem problem;
    try {
      problem = family.parse_shape(text);
    } catch (const std::exception& e) {
      throw UsageError(fmt::format("--shapes {}:{}: {}", path, number, e.what()));
    }
    if (!seen.insert(problem.canonical()).second) continue;
    shapes.push_back({number, std::move(text), std::move(problem)});
  }
  if (in.bad()) throw UsageError(fmt::format("--shapes {}: a read error", path));
  if (shapes.empty())
    throw UsageError(
        fmt::format("--shapes {}: no shape in it (expected one {} shape a line, "
                    "e.g. {})",
                    path, family.name(), family.default_problem().canonical()));
  return shapes;
}

std::vector<ListedShape> stored_shape_list(const kernels::Family& family, const db::Store& store,
                                           std::int64_t id, const std::string& option) {
  const auto session = store.session(id);
  if (!session)
    throw UsageError(
        fmt::format("{}: no such session in {} (see ktune query sessions)", option, store.path()));
  if (session->kernel != family.name())
    throw UsageError(fmt::format("{}: that session tuned {} ({}), not {} (name a session of {})",
                                 option, session->kernel, session->problem, family.name(),
                                 family.name()));
  std::vector<std::string> texts;
  if (const auto list = session->settings.find(kShapeListSetting);
      list != session->settings.end() && !list->second.empty())
    texts = split(list->second, ';');
  else
    texts = {session->problem};
  std::vector<ListedShape> shapes;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    Problem problem;
    try {
      problem = family.parse_shape(texts[i]);
    } catch (const std::exception& e) {
      throw UsageError(fmt::format("{}: stored shape {} is not a {} shape: {}", option, i + 1,
                                   family.name(), e.what()));
    }
    if (!seen.insert(problem.canonical()).second) continue;
    shapes.push_back({i + 1, problem.canonical(), std::move(problem)});
  }
  return shapes;
}

std::string shape_list_setting(const std::vector<ListedShape>& shapes) {
  std::string text;
  for (const auto& shape : shapes)
    text += (text.empty() ? "" : ";") + shape.problem.canonical();
  return text;
}

std::vector<ListedShape> shard_shapes(const std::vector<ListedShape>& shapes, tuner::Shard shard) {
  std::vector<ListedShape> part;
  for (std::size_t k = shard.index; k < shapes.size(); k += shard.count)
    part.push_back(shapes[k]);
  return part;
}

}  // namespace ktune::cli
