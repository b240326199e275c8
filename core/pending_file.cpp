#include "core/pending_file.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstring>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/utf8.hpp"

namespace ktune {

struct detail::SignalSlot {
  enum State { free, filling, held };
  std::atomic<int> state{free};
  char path[4096]{};
};

namespace {

constexpr std::array<const char*, 4> kCompanions{"", "-wal", "-shm", "-journal"};

// The temporaries a fatal signal must not leave behind (Ctrl-C during `ktune report`, `kill`
// during `db merge`), in storage the signal handler can read without allocating.
std::array<detail::SignalSlot, 4> g_slots;

extern "C" void remove_temporaries_and_end(int signal) {
  for (auto& slot : g_slots) {
    if (slot.state.load() != detail::SignalSlot::held) continue;
    const std::size_t length = std::strlen(slot.path);
    for (const char* suffix : kCompanions) {
      char path[sizeof slot.path + 16];
      std::memcpy(path, slot.path, length);
      std::memcpy(path + length, suffix, std::strlen(suffix) + 1);
      ::unlink(path);
    }
  }
  std::signal(signal, SIG_DFL);
  std::raise(signal);  // end as the signal would have ended the process
}

// Takes the fatal signals whose action is still the default; a handler the command installed
// (ktune tune stops gracefully on Ctrl-C) or an ignored signal is left as it is.
void take_fatal_signals() {
  for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction current {};
    if (::sigaction(signal, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) continue;
    struct sigaction action {};
    action.sa_handler = remove_temporaries_and_end;
    sigemptyset(&action.sa_mask);
    ::sigaction(signal, &action, nullptr);
  }
}

// The slot that now holds `path`, or nullptr when none is free or the path is too long (the file
// is then removed by the destructor only, as before).
detail::SignalSlot* hold_for_signals(const std::string& path) {
  if (path.size() >= sizeof(detail::SignalSlot::path)) return nullptr;
  take_fatal_signals();
  for (auto& slot : g_slots) {
    int expected = detail::SignalSlot::free;
    if (!slot.state.compare_exchange_strong(expected, detail::SignalSlot::filling)) continue;
    std::memcpy(slot.path, path.c_str(), path.size() + 1);
    slot.state.store(detail::SignalSlot::held);
    return &slot;
  }
  return nullptr;
}

void release(detail::SignalSlot* slot) {
  if (slot) slot->state.store(detail::SignalSlot::free);
}

}  // namespace

PendingFile::PendingFile(std::filesystem::path destination)
    : destination_(std::move(destination)),
      temporary_(destination_.string() + fmt::format(".ktune-{}.tmp", ::getpid())) {
  std::error_code ec;
  replaces_ = std::filesystem::exists(std::filesystem::symlink_status(destination_, ec));
  signal_slot_ = hold_for_signals(temporary_.string());
}

PendingFile::~PendingFile() {
  release(signal_slot_);
  if (committed_) return;
  std::error_code ec;
  for (const char* suffix : kCompanions)
    std::filesystem::remove(temporary_.string() + suffix, ec);
}

void PendingFile::commit() {
  std::error_code ec;
  std::filesystem::rename(temporary_, destination_, ec);
  if (ec)
    throw Error(fmt::format("cannot move '{}' to '{}': {}", printable(temporary_.string()),
                            printable(destination_.string()), ec.message()));
  committed_ = true;
  // Only after the rename: a signal that comes before it still removes the temporary.
  release(std::exchange(signal_slot_, nullptr));
}

}  // namespace ktune
