#include "core/pending_file.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/support/temp_dir.hpp"

namespace ktune {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::string read(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(PendingFile, CommitPutsTheTemporaryInPlaceOfTheDestination) {
  test::TempDir dir;
  const auto out = dir.path() / "out.csv";
  write(out, "old");
  PendingFile pending(out);
  EXPECT_TRUE(pending.replaces());
  EXPECT_EQ(pending.temporary().parent_path(), dir.path());
  write(pending.temporary(), "new");
  EXPECT_EQ(read(out), "old");  // nothing moves before the command succeeds
  pending.commit();
  EXPECT_EQ(read(out), "new");
  EXPECT_FALSE(fs::exists(pending.temporary()));
}

TEST(PendingFile, WithoutCommitTheTemporaryAndItsCompanionsGoAndTheDestinationStays) {
  test::TempDir dir;
  const auto out = dir.path() / "r.db";
  write(out, "old");
  fs::path temporary;
  {
    PendingFile pending(out);
    temporary = pending.temporary();
    write(temporary, "half");
    write(temporary.string() + "-journal", "journal");
  }
  EXPECT_EQ(read(out), "old");
  EXPECT_FALSE(fs::exists(temporary));
  EXPECT_FALSE(fs::exists(temporary.string() + "-journal"));
}

// A child process makes a pending file, writes it (and a SQLite companion), and is then hit by
// `signal` as Ctrl-C or `kill` would hit ktune. Returns how the child ended.
int interrupted_child(const fs::path& out, int signal, bool own_handler) {
  const pid_t pid = fork();
  if (pid == 0) {
    static volatile std::sig_atomic_t handled = 0;
    if (own_handler) std::signal(signal, [](int) { handled = 1; });
    PendingFile pending(out);
    write(pending.temporary(), "half");
    write(pending.temporary().string() + "-journal", "journal");
    std::raise(signal);
    // Reached only when the signal did not end the process: a handler of ktune's own ran.
    _exit(handled && fs::exists(pending.temporary()) ? 42 : 43);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

TEST(PendingFile, AnInterruptedCommandLeavesNoTemporaryBehind) {
  for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
    test::TempDir dir;
    const int status = interrupted_child(dir.path() / "report.html", signal, false);
    ASSERT_TRUE(WIFSIGNALED(status)) << status;  // it still ends by the signal, as before
    EXPECT_EQ(WTERMSIG(status), signal);
    EXPECT_TRUE(fs::is_empty(dir.path()))
        << "signal " << signal << " left " << fs::directory_iterator(dir.path())->path();
  }
}

TEST(PendingFile, AHandlerTheCommandInstalledIsLeftToIt) {
  // ktune tune stops gracefully on Ctrl-C: a pending file must not take that over.
  test::TempDir dir;
  const int status = interrupted_child(dir.path() / "out.csv", SIGINT, true);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 42);
}

}  // namespace
}  // namespace ktune
