#include "profiles/backends.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"
#include "profiles/opencl/opencl_backend.hpp"
#if KTUNE_HAVE_CUDA
#include "profiles/cuda/cuda_backend.hpp"
#endif

namespace ktune::profiles {

const std::vector<std::string>& known_backends() {
  static const std::vector<std::string> names{"cuda", "opencl"};
  return names;
}

std::unique_ptr<Backend> make_backend(const std::string& name, [[maybe_unused]] std::string* why) {
  if (name == "opencl") return opencl::make_backend();
  if (name == "cuda") {
#if KTUNE_HAVE_CUDA
    return cuda::make_backend();
#else
    if (why)
      *why =
          "CUDA: support was not built (configure with the CUDA toolkit and KTUNE_CUDA=AUTO or ON)";
    return nullptr;
#endif
  }
  throw UsageError(fmt::format("unknown backend '{}' (accepted: cuda, opencl, replay)", name));
}

Selection select_device(const std::string& backend, int index) {
  const std::vector<std::string> order =
      backend.empty() ? known_backends() : std::vector<std::string>{backend};
  std::vector<std::string> problems;
  for (const auto& name : order) {
    std::string why;
    auto b = make_backend(name, &why);
    if (!b) {
      if (!backend.empty()) throw Error(why);
      problems.push_back(why);
      continue;
    }
    Discovery found = b->discover();
    if (found.devices.empty()) {
      if (!backend.empty()) throw Error(found.problem);
      problems.push_back(found.problem);
      continue;
    }
    if (index >= 0) {
      if (static_cast<std::size_t>(index) >= found.devices.size())
        throw UsageError(fmt::format("{}: {} has {} device(s); accepted: 0..{}", index, name,
                                     found.devices.size(), found.devices.size() - 1));
      return {std::move(b), found.devices[static_cast<std::size_t>(index)]};
    }
    // Without an index: the first GPU if there is one, else the first device.
    auto gpu = std::find_if(found.devices.begin(), found.devices.end(), [](const DeviceInfo& d) {
      return d.backend == "cuda" || d.architecture.starts_with("gpu");
    });
    DeviceInfo chosen = gpu != found.devices.end() ? *gpu : found.devices.front();
    return {std::move(b), std::move(chosen)};
  }
  std::string text = "no device found:";
  for (const auto& p : problems)
    text += " " + p + ";";
  text.pop_back();
  throw Error(text);
}

}  // namespace ktune::profiles
