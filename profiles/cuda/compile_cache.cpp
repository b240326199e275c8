#include "profiles/cuda/compile_cache.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <boost/uuid/detail/sha1.hpp>

namespace ktune::profiles::cuda {
namespace {

constexpr std::string_view kMagic = "ktune-compiled-kernel 1\n";

// Each field is prefixed with its length, so no two different inputs hash the same text.
void add_field(boost::uuids::detail::sha1& sha, std::string_view field) {
  const std::string length = fmt::format("{}:", field.size());
  sha.process_bytes(length.data(), length.size());
  sha.process_bytes(field.data(), field.size());
}

bool read_exactly(std::istream& in, std::size_t n, std::string& out) {
  out.resize(n);
  return n == 0 || static_cast<bool>(in.read(out.data(), static_cast<std::streamsize>(n)));
}

}  // namespace

std::string cache_key(const KernelSource& source, std::string_view target,
                      std::string_view compiler_version, std::string_view options) {
  boost::uuids::detail::sha1 sha;
  add_field(sha, "ktune cubin cache v1");
  add_field(sha, compiler_version);
  add_field(sha, target);
  add_field(sha, options);
  add_field(sha, source.entry);
  add_field(sha, source.code);
  for (const auto& d : source.defines) {
    add_field(sha, d.name);
    add_field(sha, d.value);
  }
  for (const auto& o : source.cuda_options)
    add_field(sha, o);
  boost::uuids::detail::sha1::digest_type digest;
  sha.get_digest(digest);
  std::string hex;
  for (unsigned word : digest)
    hex += fmt::format("{:08x}", word);
  return hex;
}

CompileCache::CompileCache(std::filesystem::path directory) : directory_(std::move(directory)) {}

std::filesystem::path CompileCache::default_directory() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg && std::filesystem::path(xdg).is_absolute())
    return std::filesystem::path(xdg) / "ktune" / "cubins";
  const char* home = std::getenv("HOME");
  if (home && *home) return std::filesystem::path(home) / ".cache" / "ktune" / "cubins";
  return std::filesystem::temp_directory_path() / "ktune-cache" / "cubins";
}

std::filesystem::path CompileCache::path_of(const std::string& key) const {
  return directory_ / key.substr(0, 2) / (key + ".bin");
}

std::optional<CachedImage> CompileCache::load(const std::string& key) const {
  std::ifstream in(path_of(key), std::ios::binary);
  if (!in) return std::nullopt;
  std::string magic;
  if (!read_exactly(in, kMagic.size(), magic) || magic != kMagic) return std::nullopt;
  CachedImage entry;
  std::size_t log_size = 0, image_size = 0;
  int ptx = 0;
  if (!(in >> ptx >> log_size >> image_size) || in.get() != '\n') return std::nullopt;
  if (!read_exactly(in, log_size, entry.log) || !read_exactly(in, image_size, entry.image))
    return std::nullopt;
  if (in.peek() != std::char_traits<char>::eof()) return std::nullopt;  // trailing bytes
  entry.ptx = ptx != 0;
  return entry;
}

bool CompileCache::store(const std::string& key, const CachedImage& entry) const {
  static std::atomic<unsigned> counter{0};
  const auto path = path_of(key);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return false;
  const auto temporary =
      path.parent_path() / fmt::format(".{}.{}.{}.tmp", key, getpid(), ++counter);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << kMagic << (entry.ptx ? 1 : 0) << ' ' << entry.log.size() << ' ' << entry.image.size()
        << '\n';
    out.write(entry.log.data(), static_cast<std::streamsize>(entry.log.size()));
    out.write(entry.image.data(), static_cast<std::streamsize>(entry.image.size()));
    out.close();
    if (!out) {
      std::filesystem::remove(temporary, ec);
      return false;
    }
  }
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    return false;
  }
  return true;
}

}  // namespace ktune::profiles::cuda
