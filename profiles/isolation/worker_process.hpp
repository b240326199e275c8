#pragma once
// One worker process and the parent's end of its socket. The child gets the other end as
// descriptor 3, dies with the parent (PR_SET_PDEATHSIG: SIGKILL, so kill -9 of ktune leaves no
// worker; the worker also exits when the socket closes) and inherits no other descriptor. The
// destructor kills and reaps it: no worker outlives its WorkerProcess, and none is left a zombie.
#include <sys/types.h>

#include <string>
#include <vector>

namespace ktune::profiles::isolation {

// The descriptor a worker finds its socket on.
constexpr int kWorkerFd = 3;

class WorkerProcess {
 public:
  // Runs `command` (the program's path first, then its arguments). Throws Error when the process
  // cannot be created; a program that cannot be executed exits with status 127.
  explicit WorkerProcess(const std::vector<std::string>& command);
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  int fd() const { return fd_; }
  pid_t pid() const { return pid_; }

  // After its socket closed: waits briefly for the worker to end (then kills it) and says how it
  // ended: "killed by SIGSEGV", "exited with status 3".
  std::string reap();
  // Kills it (SIGKILL) and reaps it.
  void kill();

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
};

// "killed by SIGSEGV", "exited with status 1", from a wait status.
std::string describe_wait_status(int status);

}  // namespace ktune::profiles::isolation
