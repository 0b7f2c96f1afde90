// SpillDir's cleanup of the directories of killed processes (issue 19: four kill -9 of a
// transform leaked 321 MB of /tmp/eddy-spill-*), with a real SIGKILL, and run round trips.
#include "batch/spill_run.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace eddy::batch {
namespace {

namespace fs = std::filesystem;

class SpillDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    parent_ = fs::temp_directory_path() / ("eddy-spill-test-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(parent_);
    fs::create_directories(parent_);
  }
  void TearDown() override { fs::remove_all(parent_); }
  size_t entries() const {
    size_t n = 0;
    for (auto it = fs::directory_iterator(parent_); it != fs::directory_iterator(); ++it) ++n;
    return n;
  }
  fs::path parent_;
};

TEST_F(SpillDirTest, NameCarriesThePidAndDestructionRemovesIt) {
  std::string path;
  {
    auto d = SpillDir::create(parent_.string());
    ASSERT_TRUE(d.is_ok()) << d.status().to_string();
    path = (*d)->path();
    EXPECT_EQ(fs::path(path).filename().string().rfind(
                  "eddy-spill-" + std::to_string(::getpid()) + "-", 0),
              0u)
        << path;
    auto w = SpillRunWriter::create((*d)->next_file());
    ASSERT_TRUE(w.is_ok());
    ASSERT_TRUE((*w)->begin_group(7, 1).is_ok());
    ASSERT_TRUE((*w)->add_value("x").is_ok());
    ASSERT_TRUE((*w)->finish().is_ok());
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(entries(), 0u);
}

// A child process makes a spill directory with a run in it and is killed with SIGKILL; the
// directory stays. The next SpillDir::create under the same parent removes it.
TEST_F(SpillDirTest, DirectoryOfAKilledProcessIsRemovedByTheNextCreate) {
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto d = SpillDir::create(parent_.string());
    if (!d.is_ok()) ::_exit(2);
    std::ofstream((*d)->next_file()) << std::string(1 << 20, 'x');
    (void)!::write(ready[1], "k", 1);
    ::pause();  // killed here
    ::_exit(0);
  }
  ::close(ready[1]);
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ::close(ready[0]);
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  const fs::path stale = parent_ / ("eddy-spill-" + std::to_string(child) + "-");
  size_t left = 0;
  for (const auto& e : fs::directory_iterator(parent_))
    if (e.path().filename().string().rfind(stale.filename().string(), 0) == 0) ++left;
  ASSERT_EQ(left, 1u) << "the killed process's directory should still be there";

  auto d = SpillDir::create(parent_.string());
  ASSERT_TRUE(d.is_ok());
  EXPECT_EQ(entries(), 1u) << "only the new directory should remain";
  EXPECT_TRUE(fs::exists((*d)->path()));
}

// A directory whose owner lives (its lock is held) is never removed, nor is anything that is
// not a locked spill directory: other files, older versions' eddy-spill-XXXXXX directories.
TEST_F(SpillDirTest, LiveAndForeignDirectoriesStay) {
  auto live = SpillDir::create(parent_.string());
  ASSERT_TRUE(live.is_ok());
  fs::create_directories(parent_ / "eddy-spill-AbC123");  // an older version's name
  fs::create_directories(parent_ / "eddy-spill-42-nolock");  // no owner.lock: not ours
  fs::create_directories(parent_ / "other");
  EXPECT_EQ(SpillDir::remove_stale(parent_.string()), 0u);
  auto second = SpillDir::create(parent_.string());
  ASSERT_TRUE(second.is_ok());
  EXPECT_TRUE(fs::exists((*live)->path()));
  EXPECT_EQ(entries(), 5u);
  // A stale one: the lock file exists, nobody holds it.
  fs::create_directories(parent_ / "eddy-spill-99999999-stale");
  std::ofstream(parent_ / "eddy-spill-99999999-stale" / "owner.lock");
  std::ofstream(parent_ / "eddy-spill-99999999-stale" / "run-00000") << "data";
  EXPECT_EQ(SpillDir::remove_stale(parent_.string()), 1u);
  EXPECT_FALSE(fs::exists(parent_ / "eddy-spill-99999999-stale"));
  EXPECT_TRUE(fs::exists((*live)->path()));
  EXPECT_TRUE(fs::exists((*second)->path()));
}

}  // namespace
}  // namespace eddy::batch
