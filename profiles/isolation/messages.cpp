#include "profiles/isolation/messages.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "core/error.hpp"

namespace ktune::profiles::isolation {
namespace {

void send_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error(fmt::format("worker protocol: write failed: {}", std::strerror(errno)));
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

// Waits until `fd` is readable or the deadline passes; false at the deadline.
bool wait_readable(int fd, std::optional<Clock::time_point> deadline) {
  for (;;) {
    int timeout = -1;
    if (deadline) {
      const auto left =
          std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      if (left <= 0) return false;
      timeout = static_cast<int>(std::min<long long>(left, 1 << 30));
    }
    pollfd p{fd, POLLIN, 0};
    const int n = ::poll(&p, 1, timeout);
    if (n > 0) return true;  // readable, hung up or in error: read() tells which
    if (n < 0 && errno != EINTR)
      throw Error(fmt::format("worker protocol: poll failed: {}", std::strerror(errno)));
  }
}

// Reads exactly `size` bytes; false when the other end closed first.
Received read_all(int fd, char* data, std::size_t size, std::optional<Clock::time_point> deadline) {
  while (size > 0) {
    if (!wait_readable(fd, deadline)) return Received::deadline;
    const ssize_t n = ::read(fd, data, size);
    if (n == 0) return Received::closed;
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      if (errno == ECONNRESET) return Received::closed;
      throw Error(fmt::format("worker protocol: read failed: {}", std::strerror(errno)));
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return Received::message;
}

}  // namespace

void send_message(int fd, const Json& message) {
  const std::string text = message.dump();
  if (text.size() > kMaxMessageBytes)
    throw Error(fmt::format("worker protocol: a message of {} bytes is over the limit of {}",
                            text.size(), kMaxMessageBytes));
  const auto size = static_cast<std::uint32_t>(text.size());
  const std::array<char, 4> header{static_cast<char>(size >> 24), static_cast<char>(size >> 16),
                                   static_cast<char>(size >> 8), static_cast<char>(size)};
  send_all(fd, header.data(), header.size());
  send_all(fd, text.data(), text.size());
}

Received receive_message(int fd, Json& message, std::optional<Clock::time_point> deadline) {
  std::array<unsigned char, 4> header{};
  if (auto r = read_all(fd, reinterpret_cast<char*>(header.data()), header.size(), deadline);
      r != Received::message)
    return r;
  const std::size_t size = (std::size_t{header[0]} << 24) | (std::size_t{header[1]} << 16) |
                           (std::size_t{header[2]} << 8) | std::size_t{header[3]};
  if (size > kMaxMessageBytes)
    throw Error(fmt::format("worker protocol: a message of {} bytes is over the limit of {}", size,
                            kMaxMessageBytes));
  std::string text(size, '\0');
  if (auto r = read_all(fd, text.data(), size, deadline); r != Received::message) return r;
  try {
    message = Json::parse(text);
  } catch (const Json::exception& e) {
    throw Error(fmt::format("worker protocol: a malformed message: {}", e.what()));
  }
  return Received::message;
}

}  // namespace ktune::profiles::isolation
