#include "space/config_json.hpp"

#include "core/error.hpp"

namespace ktune {

Json params_json(const Space& space, const Config& config) {
  Json j = Json::object();
  for (std::size_t i = 0; i < space.params().size() && i < config.values.size(); ++i) {
    const auto& p = space.params()[i];
    if (p.kind == Param::Kind::choice)
      j[p.name] = p.format(config.values[i]);
    else
      j[p.name] = config.values[i];
  }
  return j;
}

Config config_from_json(const Space& space, const Json& json) {
  if (json.is_string()) return space.parse_config(json.get<std::string>());
  if (!json.is_object()) throw UsageError("a configuration is an object NAME -> value or text");
  std::string text;
  for (auto it = json.begin(); it != json.end(); ++it) {
    if (!text.empty()) text += ',';
    text += it.key() + '=' + (it->is_string() ? it->get<std::string>() : it->dump());
  }
  return space.parse_config(text);
}

}  // namespace ktune
