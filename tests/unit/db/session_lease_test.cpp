#include "db/session_lease.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "core/error.hpp"
#include "db/ids.hpp"
#include "db_test_support.hpp"

namespace ktune::db {
namespace {

using test::TempDir;

std::string refusal(const std::string& database, std::int64_t session) {
  try {
    SessionLease::take(database, session);
  } catch (const Error& e) {
    return e.what();
  }
  return "(taken)";
}

TEST(SessionLease, AHeldLeaseIsRefusedNamingItsProcessAndHost) {
  TempDir dir;
  const auto database = (dir / "r.db").string();
  auto lease = SessionLease::take(database, 3);
  const auto why = refusal(database, 3);
  EXPECT_NE(why.find(fmt::format("session 3 of database '{}' is being tuned by process {} on host",
                                 database, ::getpid())),
            std::string::npos)
      << why;
  EXPECT_EQ(why.find('\n'), std::string::npos) << why;
  EXPECT_EQ(refusal(database, 4), "(taken)");  // other sessions are free
}

// A taker holds the lock a moment before its name is in the file, and the file may still name
// the killed process whose lease it took over. A refusal in that moment waits for the name of
// the live holder instead of saying "another process" or naming the dead one.
void refusal_while_the_holder_writes(const std::string& left_over) {
  TempDir dir;
  const auto database = (dir / "r.db").string();
  const auto file = SessionLease::file_of(database, 2);
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, left_over.data(), left_over.size()),
            static_cast<ssize_t>(left_over.size()));
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  const std::string holder = fmt::format("{} on host 'here' (since now)", ::getpid());
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    EXPECT_EQ(::ftruncate(fd, 0), 0);
    EXPECT_EQ(::pwrite(fd, holder.data(), holder.size(), 0), static_cast<ssize_t>(holder.size()));
  });
  const auto why = refusal(database, 2);
  writer.join();
  ::close(fd);
  EXPECT_NE(why.find("is being tuned by process " + holder), std::string::npos) << why;
}

TEST(SessionLease, ARefusalWaitsForTheNameOfAHolderThatHasJustLocked) {
  refusal_while_the_holder_writes("");
}

TEST(SessionLease, ARefusalDoesNotNameTheDeadProcessWhoseLeaseWasTakenOver) {
  // A pid that cannot be alive: above the kernel's pid_max limit (4194304).
  refusal_while_the_holder_writes(
      fmt::format("4194305 on host '{}' (since 2020-01-01T00:00:00Z)", host_name()));
}

TEST(SessionLease, AReleasedLeaseLeavesNoFileAndCanBeTakenAgain) {
  TempDir dir;
  const auto database = (dir / "r.db").string();
  { auto lease = SessionLease::take(database, 1); }
  EXPECT_FALSE(std::filesystem::exists(SessionLease::file_of(database, 1)));
  std::optional<SessionLease> again;
  EXPECT_NO_THROW(again.emplace(SessionLease::take(database, 1)));
}

TEST(SessionLease, ADeadProcessesLeaseIsTakenOver) {
  TempDir dir;
  const auto database = (dir / "r.db").string();
  const pid_t child = fork();
  if (child == 0) {
    // Dies holding the lease, without releasing it (as kill -9 would).
    auto lease = SessionLease::take(database, 1);
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_TRUE(std::filesystem::exists(SessionLease::file_of(database, 1)));
  std::optional<SessionLease> lease;
  EXPECT_NO_THROW(lease.emplace(SessionLease::take(database, 1)));
}

}  // namespace
}  // namespace ktune::db
