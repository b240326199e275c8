#pragma once
// The on-disk cache of compiled kernels: one file per (source, defines, options, target,
// compiler version), so a second tuning run of the same space compiles nothing. Entries are
// written to a temporary file and renamed, so concurrent processes and threads never read a
// partial entry; a damaged or unreadable entry is treated as a miss.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/launch.hpp"

namespace ktune::profiles::cuda {

struct CachedImage {
  std::string image;  // cubin bytes, or PTX text
  bool ptx = false;
  std::string log;  // the compiler's log (ptxas -v report included)
};

class CompileCache {
 public:
  explicit CompileCache(std::filesystem::path directory);

  // $XDG_CACHE_HOME/ktune/cubins, else ~/.cache/ktune/cubins (relative XDG paths are ignored,
  // as the XDG specification says).
  static std::filesystem::path default_directory();

  const std::filesystem::path& directory() const { return directory_; }
  std::optional<CachedImage> load(const std::string& key) const;
  // Best effort: returns false (and leaves no partial file) when the entry cannot be written.
  bool store(const std::string& key, const CachedImage& entry) const;

 private:
  std::filesystem::path path_of(const std::string& key) const;
  std::filesystem::path directory_;
};

// SHA-1 (hex) of everything that determines the compiled image.
std::string cache_key(const KernelSource& source, std::string_view target,
                      std::string_view compiler_version, std::string_view options);

}  // namespace ktune::profiles::cuda
