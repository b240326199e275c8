#pragma once
// A tuning session is leased to the one process that records into it, so that two processes
// resuming one session never measure the same configurations twice. The lease is an exclusive
// flock(2) on a file next to the database, `<database>-session-<id>.lease`, that says which
// process on which host holds it. The kernel drops the lock when its process dies, however it
// dies, so the lease of a killed tuner is taken over by the next resume without any cleanup.
// Kept outside the schema: a lease is a property of running processes, not of stored results.
#include <cstdint>
#include <string>

namespace ktune::db {

class SessionLease {
 public:
  // Takes the lease of session `session` of the database at `database`. Throws ktune::Error
  // naming the process and host that hold it when another process does.
  static SessionLease take(const std::string& database, std::int64_t session);

  SessionLease(SessionLease&& other) noexcept;
  SessionLease& operator=(SessionLease&&) = delete;
  SessionLease(const SessionLease&) = delete;
  SessionLease& operator=(const SessionLease&) = delete;
  ~SessionLease();  // releases it and removes the file

  // Where the lease of session `session` of `database` lives.
  static std::string file_of(const std::string& database, std::int64_t session);

 private:
  SessionLease(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

}  // namespace ktune::db
