#include "db/session_lease.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/utf8.hpp"
#include "db/ids.hpp"

namespace ktune::db {
namespace {

class File {
 public:
  explicit File(int fd) : fd_(fd) {}
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

std::string read_holder(int fd) {
  char buffer[512];
  const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  std::string text = n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0'))
    text.pop_back();
  return printable(text);
}

// Whether the holder text names a process of this host that no longer exists: the text a killed
// tuner left, read in the moment between a new taker's lock and its own text.
bool names_a_dead_process(const std::string& holder) {
  const std::string marker = " on host '";
  const auto at = holder.find(marker);
  if (at == std::string::npos || at == 0) return false;
  const std::string host = host_name();
  if (host.empty() || holder.compare(at + marker.size(), host.size() + 1, host + "'") != 0)
    return false;
  errno = 0;
  char* end = nullptr;
  const long pid = std::strtol(holder.c_str(), &end, 10);
  if (end != holder.c_str() + at || pid <= 0 || errno != 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

// Who holds the lock on `fd`. A taker writes its name just after it locks, so an empty text or
// the name of a dead process is read again for a moment before the refusal says so.
std::string live_holder(int fd) {
  std::string holder;
  for (int attempt = 0; attempt < 200; ++attempt) {
    holder = read_holder(fd);
    if (!holder.empty() && !names_a_dead_process(holder)) return "process " + holder;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return "another process";
}

// Whether `fd` is still the file at `path`: a holder removes the file when it releases the
// lease, so a lock taken on a file already removed is no lease at all.
bool still_linked(int fd, const std::string& path) {
  struct stat opened {
  }, named{};
  return ::fstat(fd, &opened) == 0 && ::stat(path.c_str(), &named) == 0 &&
         opened.st_dev == named.st_dev && opened.st_ino == named.st_ino;
}

}  // namespace

std::string SessionLease::file_of(const std::string& database, std::int64_t session) {
  return fmt::format("{}-session-{}.lease", database, session);
}

SessionLease SessionLease::take(const std::string& database, std::int64_t session) {
  const std::string path = file_of(database, session);
  for (int attempt = 0; attempt < 100; ++attempt) {
    File file(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (file.get() < 0)
      throw Error(fmt::format("cannot lease session {} of database '{}': cannot create '{}': {}",
                              session, printable(database), printable(path), std::strerror(errno)));
    if (::flock(file.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK)
        throw Error(fmt::format("cannot lease session {} of database '{}': {}", session,
                                printable(database), std::strerror(errno)));
      throw Error(fmt::format(
          "session {} of database '{}' is being tuned by {}; wait for it to end, or stop "
          "that process",
          session, printable(database), live_holder(file.get())));
    }
    if (!still_linked(file.get(), path)) continue;  // released and removed meanwhile: again
    const std::string host = host_name();
    const std::string holder = fmt::format("{} on host '{}' (since {})", ::getpid(),
                                           host.empty() ? "unknown" : host, now_utc());
    if (::ftruncate(file.get(), 0) != 0 || ::pwrite(file.get(), holder.data(), holder.size(), 0) !=
                                               static_cast<ssize_t>(holder.size()))
      throw Error(fmt::format("cannot lease session {} of database '{}': writing '{}': {}", session,
                              printable(database), printable(path), std::strerror(errno)));
    return SessionLease(file.release(), path);
  }
  throw Error(fmt::format("cannot lease session {} of database '{}': '{}' keeps changing", session,
                          printable(database), printable(path)));
}

SessionLease::SessionLease(SessionLease&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

SessionLease::~SessionLease() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // while still locked: the next taker checks still_linked
  ::close(fd_);
}

}  // namespace ktune::db
