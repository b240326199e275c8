#include "core/pending_file.hpp"

#include <unistd.h>

#include <system_error>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/utf8.hpp"

namespace ktune {

PendingFile::PendingFile(std::filesystem::path destination)
    : destination_(std::move(destination)),
      temporary_(destination_.string() + fmt::format(".ktune-{}.tmp", ::getpid())) {
  std::error_code ec;
  replaces_ = std::filesystem::exists(std::filesystem::symlink_status(destination_, ec));
}

PendingFile::~PendingFile() {
  if (committed_) return;
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    std::filesystem::remove(temporary_.string() + suffix, ec);
}

void PendingFile::commit() {
  std::error_code ec;
  std::filesystem::rename(temporary_, destination_, ec);
  if (ec)
    throw Error(fmt::format("cannot move '{}' to '{}': {}", printable(temporary_.string()),
                            printable(destination_.string()), ec.message()));
  committed_ = true;
}

}  // namespace ktune
