// The worker protocol's framing and the parent's reading of a worker's end, without a worker:
// both ends of a socket pair in this process, and children that die as a worker would.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <chrono>

#include "core/error.hpp"
#include "core/json.hpp"
#include "profiles/isolation/messages.hpp"
#include "profiles/isolation/worker_process.hpp"
#include "profiles/isolation/worker_spec.hpp"

namespace ktune::profiles::isolation {
namespace {

class SocketPair : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds_.data()), 0); }
  void TearDown() override {
    for (int fd : fds_)
      if (fd >= 0) ::close(fd);
  }
  std::array<int, 2> fds_{-1, -1};
};

TEST_F(SocketPair, AMessageArrivesWhole) {
  Evaluation e;
  e.outcome = Outcome::correct;
  e.samples_ms = {1.5, 1.25};
  send_message(fds_[0], Json{{"type", "evaluation"}, {"evaluation", e}});
  Json got;
  ASSERT_EQ(receive_message(fds_[1], got, std::nullopt), Received::message);
  EXPECT_EQ(got["type"], "evaluation");
  EXPECT_EQ(got["evaluation"].get<Evaluation>().samples_ms, e.samples_ms);
}

TEST_F(SocketPair, SilenceEndsAtTheDeadline) {
  Json got;
  const auto start = Clock::now();
  EXPECT_EQ(receive_message(fds_[1], got, Clock::now() + std::chrono::milliseconds(50)),
            Received::deadline);
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(50));
}

TEST_F(SocketPair, AClosedEndIsReportedEvenMidMessage) {
  const std::array<char, 6> partial{0, 0, 0, 10, '{', '"'};  // 10 bytes announced, 2 sent
  ASSERT_EQ(::write(fds_[0], partial.data(), partial.size()), 6);
  ::close(fds_[0]);
  fds_[0] = -1;
  Json got;
  EXPECT_EQ(receive_message(fds_[1], got, std::nullopt), Received::closed);
}

TEST_F(SocketPair, OversizedAndMalformedMessagesAreErrors) {
  const std::array<char, 4> huge{0x7f, 0, 0, 0};
  ASSERT_EQ(::write(fds_[0], huge.data(), huge.size()), 4);
  Json got;
  EXPECT_THROW(receive_message(fds_[1], got, std::nullopt), Error);
  const std::array<char, 7> bad{0, 0, 0, 3, 'n', 'o', 'p'};
  ASSERT_EQ(::write(fds_[1], bad.data(), bad.size()), 7);
  EXPECT_THROW(receive_message(fds_[0], got, std::nullopt), Error);
}

TEST_F(SocketPair, WritingToAGoneWorkerThrowsInsteadOfRaisingSigpipe) {
  ::close(fds_[1]);
  fds_[1] = -1;
  EXPECT_THROW(
      {
        for (int i = 0; i < 100; ++i)  // the first writes may still be buffered
          send_message(fds_[0], Json{{"type", "evaluate"}, {"padding", std::string(1 << 16, 'x')}});
      },
      Error);
}

TEST(WorkerProcess, NamesTheSignalAWorkerDiedOf) {
  WorkerProcess worker({"/bin/sh", "-c", "kill -SEGV $$"});
  Json got;
  EXPECT_EQ(receive_message(worker.fd(), got, std::nullopt), Received::closed);
  EXPECT_EQ(worker.reap(), "killed by SIGSEGV");
}

TEST(WorkerProcess, SaysWhenItCouldNotRunTheProgram) {
  WorkerProcess worker({"/nonexistent/ktune", "worker"});
  Json got;
  EXPECT_EQ(receive_message(worker.fd(), got, std::nullopt), Received::closed);
  EXPECT_EQ(worker.reap(), "exited with status 127");
}

TEST(WorkerProcess, TheWorkerGetsOnlyItsSocketOnDescriptorThree) {
  // Open in the parent and inheritable (no close-on-exec), as a library's descriptor may be.
  const int inheritable = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(::dup2(inheritable, 9), 0);
  WorkerProcess worker(
      {"/bin/sh", "-c", "test -S /proc/self/fd/3 && ! test -e /proc/self/fd/9 && exit 7; exit 1"});
  Json got;
  EXPECT_EQ(receive_message(worker.fd(), got, std::nullopt), Received::closed);
  EXPECT_EQ(worker.reap(), "exited with status 7");
  ::close(9);
  ::close(inheritable);
}

TEST(WorkerSpec, ReadsBackWhatItWrote) {
  WorkerSpec spec;
  spec.kernel = "matmul";
  spec.problem = {"matmul", {{"m", 64}, {"n", 32}, {"k", 16}}, "f32"};
  spec.backend = "opencl";
  spec.device = 1;
  spec.sets = {"BM=32"};
  spec.restricts = {"BN >= BM"};
  spec.measure.min_runs = 3;
  spec.measure.timeout_ms = 250;
  spec.measure.seed = 18446744073709551615ull;
  spec.measure.counters.extra_metrics = {"dram__bytes_read.sum"};
  spec.timer = "cupti";
  const auto back = Json(spec).get<WorkerSpec>();
  EXPECT_EQ(Json(back), Json(spec));
  EXPECT_EQ(back.problem, spec.problem);
  EXPECT_EQ(back.measure.seed, spec.measure.seed);
}

}  // namespace
}  // namespace ktune::profiles::isolation
