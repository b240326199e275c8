// Crash safety and concurrency with real processes: a writer killed with SIGKILL loses no
// committed evaluation; two writers at once lose nothing.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "db/queries.hpp"
#include "db_test_support.hpp"

namespace ktune::db {
namespace {

using test::TempDir;

// Runs `body` in a child process that exits 0 when it returns and 3 when it throws.
template <typename Body>
pid_t spawn(Body body) {
  const pid_t pid = fork();
  if (pid == 0) {
    int code = 0;
    try {
      body();
    } catch (...) {
      code = 3;
    }
    _exit(code);
  }
  return pid;
}

// Kills and reaps a child that is still running when a test ends early.
class Reaper {
 public:
  explicit Reaper(pid_t pid) : pid_(pid) {}
  Reaper(const Reaper&) = delete;
  Reaper& operator=(const Reaper&) = delete;
  ~Reaper() {
    if (pid_ <= 0 || waitpid(pid_, nullptr, WNOHANG) != 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }

 private:
  pid_t pid_;
};

TEST(Crash, KilledWriterLosesNoCommittedEvaluation) {
  TempDir dir;
  const auto path = dir / "r.db";
  { Store::open(path); }  // no connection may cross fork()
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t writer = spawn([&] {
    close(pipe_fds[0]);
    auto store = Store::open(path);
    const auto id = store.begin_session(test::session_on(test::gpu(), test::matmul(64, 64, 64)));
    for (std::int32_t i = 0; i < 100'000; ++i) {
      store.record(id, fmt::format("TS={},WPT=1", i), test::correct(1.0 + i));
      const std::int32_t committed = i + 1;  // reported only after the commit returned
      if (write(pipe_fds[1], &committed, sizeof committed) != sizeof committed) return;
    }
  });
  ASSERT_GT(writer, 0);
  Reaper reaper(writer);
  close(pipe_fds[1]);
  std::int32_t reported = 0, value = 0;
  while (reported < 60 && read(pipe_fds[0], &value, sizeof value) == sizeof value)
    reported = value;
  ASSERT_EQ(kill(writer, SIGKILL), 0);  // somewhere in the middle of the next evaluation
  while (read(pipe_fds[0], &value, sizeof value) == sizeof value)
    reported = value;
  close(pipe_fds[0]);
  int status = 0;
  waitpid(writer, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));

  auto store = Store::open(path);
  EXPECT_TRUE(check_database(store).empty());
  const auto stored = store.evaluations(1);
  // Everything reported committed is there; at most one more (committed, not yet reported).
  ASSERT_GE(stored.size(), static_cast<std::size_t>(reported));
  ASSERT_LE(stored.size(), static_cast<std::size_t>(reported) + 1);
  for (std::size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i].seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(stored[i].config, fmt::format("TS={},WPT=1", i));
    EXPECT_EQ(stored[i].evaluation.samples_ms,
              test::correct(1.0 + static_cast<double>(i)).samples_ms);
  }
  EXPECT_EQ(store.session(1)->status, SessionStatus::running);
  // The database takes new sessions as if nothing happened.
  const auto next = store.begin_session(test::session_on(test::gpu(), test::matmul(64, 64, 64)));
  store.record(next, "TS=8,WPT=1", test::correct(1));
  EXPECT_EQ(store.count_evaluations(next), 1);
}

// Reads one byte from `fd`, waiting at most `ms`; false on timeout or end of file.
bool read_byte(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, ms) <= 0) return false;
  char c;
  return read(fd, &c, 1) == 1;
}

TEST(Crash, TwoWritersAtOnceLoseNothing) {
  TempDir dir;
  const auto path = dir / "r.db";
  { Store::open(path); }
  constexpr int kEvaluations = 60;
  // The writers meet at a barrier with their sessions begun, while a third connection holds the
  // write lock: both are then waiting for it at once, and the overlap is certain, not hoped for.
  int ready[2], go[2], progress[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(go), 0);
  ASSERT_EQ(pipe(progress), 0);
  std::vector<pid_t> writers;
  std::vector<std::unique_ptr<Reaper>> reapers;
  for (int w = 0; w < 2; ++w) {
    writers.push_back(spawn([&, w] {
      close(ready[0]);
      close(go[1]);
      close(progress[0]);
      auto store = Store::open(path);
      auto record = test::session_on(test::gpu(), test::matmul(64, 64, 64));
      record.seed = static_cast<std::uint64_t>(w);
      const auto id = store.begin_session(record);
      if (write(ready[1], "r", 1) != 1) throw std::runtime_error("ready");
      char c;
      if (read(go[0], &c, 1) != 1) throw std::runtime_error("go");
      for (int i = 0; i < kEvaluations; ++i) {  // the same configurations: shared rows
        store.record(id, fmt::format("TS={},WPT=1", i), test::correct(1.0 + w));
        if (write(progress[1], "p", 1) != 1) throw std::runtime_error("progress");
      }
      store.end_session(id, SessionStatus::completed);
    }));
    ASSERT_GT(writers.back(), 0);
    reapers.push_back(std::make_unique<Reaper>(writers.back()));
  }
  close(ready[1]);
  close(go[0]);
  close(progress[1]);
  for (int w = 0; w < 2; ++w)
    ASSERT_TRUE(read_byte(ready[0], 60'000)) << "writer " << w << " never reached the barrier";
  {
    Connection holder(path.string(), Connection::Mode::read_write);
    holder.execute("BEGIN IMMEDIATE");
    ASSERT_EQ(write(go[1], "gg", 2), 2);
    // Neither writer can commit while the lock is held: they wait (the busy timeout), not fail.
    EXPECT_FALSE(read_byte(progress[0], 500)) << "a writer committed under another's lock";
    holder.execute("COMMIT");
  }
  int committed = 0;
  while (read_byte(progress[0], 60'000))
    ++committed;
  close(ready[0]);
  close(go[1]);
  close(progress[0]);
  EXPECT_EQ(committed, 2 * kEvaluations);
  for (auto pid : writers) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "writer failed: " << status;
  }
  auto store = Store::open(path);
  EXPECT_TRUE(check_database(store).empty());
  const auto sessions = store.sessions();
  ASSERT_EQ(sessions.size(), 2u);
  for (const auto& s : sessions) {
    EXPECT_EQ(s.status, SessionStatus::completed);
    const auto stored = store.evaluations(s.id);
    ASSERT_EQ(stored.size(), static_cast<std::size_t>(kEvaluations));
    for (int i = 0; i < kEvaluations; ++i)
      EXPECT_EQ(stored[static_cast<std::size_t>(i)].seq, i + 1);
  }
  EXPECT_EQ(test::count_rows(store, "SELECT COUNT(*) FROM configurations"), kEvaluations);
}

}  // namespace
}  // namespace ktune::db
