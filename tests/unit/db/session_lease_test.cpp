#include "db/session_lease.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "core/error.hpp"
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
