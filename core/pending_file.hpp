#pragma once
// An output written under a temporary name next to its destination and renamed onto it only when
// the command succeeds, so that a failing command leaves no file behind (and never half of one
// in place of an older file). Without commit(), the destructor removes what was written, and so
// does SIGINT, SIGTERM or SIGHUP while the file is pending, unless the command handles the signal
// itself.
#include <filesystem>
#include <string>

namespace ktune {
namespace detail {
struct SignalSlot;
}

class PendingFile {
 public:
  // `destination` is where the file goes; nothing is created yet.
  explicit PendingFile(std::filesystem::path destination);
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;
  ~PendingFile();  // removes the temporary file (and SQLite's companions of it) unless committed

  // Where to write meanwhile: `<destination>.ktune-<pid>.tmp` in the same directory.
  const std::filesystem::path& temporary() const { return temporary_; }
  const std::filesystem::path& destination() const { return destination_; }
  // Whether a file was at the destination when this was made (commit replaces it).
  bool replaces() const { return replaces_; }
  // Renames the temporary file onto the destination. Throws ktune::Error naming both.
  void commit();

 private:
  std::filesystem::path destination_;
  std::filesystem::path temporary_;
  bool replaces_ = false;
  bool committed_ = false;
  detail::SignalSlot* signal_slot_ = nullptr;  // where a fatal signal finds the temporary's name
};

}  // namespace ktune
