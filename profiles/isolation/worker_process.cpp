#include "profiles/isolation/worker_process.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "core/error.hpp"

namespace ktune::profiles::isolation {
namespace {

// Between fork and exec only async-signal-safe calls: everything is prepared before the fork.
[[noreturn]] void become_worker(int fd, pid_t parent, char* const* argv) {
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != parent) ::_exit(126);
  if (fd == kWorkerFd) {
    ::fcntl(fd, F_SETFD, 0);  // keep it across exec
  } else if (::dup2(fd, kWorkerFd) < 0) {
    ::_exit(126);
  }
  ::close_range(kWorkerFd + 1, ~0U, 0);  // the database, the parent's end, anything else
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);
  ::execv(argv[0], argv);
  ::_exit(127);
}

}  // namespace

std::string describe_wait_status(int status) {
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    const char* name = ::sigabbrev_np(signal);
    return name ? fmt::format("killed by SIG{}", name) : fmt::format("killed by signal {}", signal);
  }
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  return fmt::format("ended with wait status {}", status);
}

WorkerProcess::WorkerProcess(const std::vector<std::string>& command) {
  std::vector<std::string> args = command;
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    throw Error(fmt::format("cannot create the worker's socket: {}", std::strerror(errno)));
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw Error(fmt::format("cannot start a worker process: {}", std::strerror(error)));
  }
  if (pid == 0) become_worker(fds[1], parent, argv.data());
  ::close(fds[1]);
  pid_ = pid;
  fd_ = fds[0];
}

WorkerProcess::~WorkerProcess() {
  if (pid_ > 0) reap();  // the socket closes: a worker that is alive exits by itself
}

void WorkerProcess::kill() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

std::string WorkerProcess::reap() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (pid_ <= 0) return "already reaped";
  // The socket closed: the worker is dying or dead. Give it a moment to finish, then kill it.
  int status = 0;
  for (int i = 0; i < 200; ++i) {
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return describe_wait_status(status);
    }
    if (r < 0 && errno != EINTR) {
      pid_ = -1;
      return "lost (not a child any more)";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return "closed its socket and was killed";
}

}  // namespace ktune::profiles::isolation
