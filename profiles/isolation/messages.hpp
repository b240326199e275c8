#pragma once
// The framing of the worker protocol: each message is one JSON document (the serialisers of
// core/json.hpp and space/config_json.hpp) preceded by its length, 4 bytes big-endian. JSON
// rather than a binary encoding: a message is small and sent a few times per variant, so its
// cost is lost in the noise, a captured stream reads as text, and every fact keeps the one shape
// it has in the database and the CLI output (docs/ARCHITECTURE.md lists the messages).
#include <chrono>
#include <cstddef>
#include <optional>

#include "core/json.hpp"

namespace ktune::profiles::isolation {

using Clock = std::chrono::steady_clock;

// Larger messages are refused: nothing legitimate comes near it (a sample list of a few
// thousand times, a batch of configurations).
constexpr std::size_t kMaxMessageBytes = 64u << 20;

// Writes one message. Throws Error when the other end is gone (never raises SIGPIPE: the
// descriptor is a socket and the write says MSG_NOSIGNAL).
void send_message(int fd, const Json& message);

enum class Received { message, closed, deadline };

// Reads one message into `message`, waiting until `deadline` at most (forever without one).
// `closed`: the other end closed or died before a whole message came. A malformed message
// throws Error.
Received receive_message(int fd, Json& message, std::optional<Clock::time_point> deadline);

}  // namespace ktune::profiles::isolation
