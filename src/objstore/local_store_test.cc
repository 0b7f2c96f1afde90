#include "objstore/local_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace eddy::objstore {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> dir_entries(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Fixture: an empty temporary directory.
class LocalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("eddy_local_store_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& rel) const { return (dir_ / rel).string(); }
  fs::path dir_;
  LocalStore store_;
};

TEST_F(LocalStoreTest, CommitPublishesAtomicallyAndNothingBefore) {
  auto w = store_.create(path("out/part-00000"));
  ASSERT_TRUE(w.is_ok()) << w.status().to_string();
  ASSERT_TRUE((*w)->write("hello ").is_ok());
  ASSERT_TRUE((*w)->write("world").is_ok());
  // Before commit: no file under the final name, and list() hides the temporary.
  EXPECT_FALSE(fs::exists(path("out/part-00000")));
  EXPECT_EQ(dir_entries(dir_ / "out").size(), 1u);
  EXPECT_TRUE(store_.list(path("out"))->empty());
  ASSERT_TRUE((*w)->commit().is_ok());
  EXPECT_EQ(dir_entries(dir_ / "out"), std::vector<std::string>{"part-00000"});
  auto info = store_.head(path("out/part-00000"));
  ASSERT_TRUE(info.is_ok());
  EXPECT_EQ(info->size, 11u);
  EXPECT_FALSE((*w)->write("more").is_ok());
}

// Writes past the early-writeback step (8 MiB) in uneven pieces: the bytes are all there.
TEST_F(LocalStoreTest, LargeWritesWithEarlyWritebackKeepEveryByte) {
  auto w = store_.create(path("big"));
  ASSERT_TRUE(w.is_ok()) << w.status().to_string();
  std::string expected;
  for (int i = 0; expected.size() < (20u << 20); ++i) {
    std::string piece(1000003 + i * 7919, static_cast<char>('a' + i % 26));
    ASSERT_TRUE((*w)->write(piece).is_ok());
    expected += piece;
  }
  ASSERT_TRUE((*w)->commit().is_ok());
  std::ifstream in(path("big"), std::ios::binary);
  std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(got == expected) << got.size() << " bytes, expected " << expected.size();
}

TEST_F(LocalStoreTest, AbortAndDestructionLeaveNothing) {
  {
    auto w = store_.create(path("a.txt"));
    ASSERT_TRUE((*w)->write("partial").is_ok());
    (*w)->abort();
  }
  {
    auto w = store_.create(path("b.txt"));
    ASSERT_TRUE((*w)->write("partial").is_ok());
  }  // destroyed without commit
  EXPECT_TRUE(dir_entries(dir_).empty());
}

TEST_F(LocalStoreTest, ReplacingKeepsTheOldFileUntilCommit) {
  ASSERT_TRUE(store_.create(path("f")).value()->commit().is_ok());
  { std::ofstream(path("f")) << "old"; }
  auto w = store_.create(path("f"));
  ASSERT_TRUE((*w)->write("new contents").is_ok());
  std::ifstream in(path("f"));
  std::string s((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(s, "old");
  ASSERT_TRUE((*w)->commit().is_ok());
  std::ifstream in2(path("f"));
  std::string s2((std::istreambuf_iterator<char>(in2)), {});
  EXPECT_EQ(s2, "new contents");
}

TEST_F(LocalStoreTest, ListsFilesRecursivelySortedInTheAskedForm) {
  for (const char* f : {"d/b.txt", "d/a.txt", "d/sub/c.txt"}) {
    auto w = store_.create(path(f));
    ASSERT_TRUE((*w)->write(f).is_ok());
    ASSERT_TRUE((*w)->commit().is_ok());
  }
  auto l = store_.list(path("d"));
  ASSERT_TRUE(l.is_ok());
  ASSERT_EQ(l->size(), 3u);
  EXPECT_EQ((*l)[0].uri, path("d/a.txt"));
  EXPECT_EQ((*l)[2].uri, path("d/sub/c.txt"));
  EXPECT_EQ((*l)[2].size, 11u);  // its own name
  auto u = store_.list("file://" + path("d/"));
  ASSERT_TRUE(u.is_ok());
  EXPECT_EQ((*u)[1].uri, "file://" + path("d/b.txt"));
  auto one = store_.list(path("d/a.txt"));
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].uri, path("d/a.txt"));
  EXPECT_TRUE(store_.list(path("nope"))->empty());
}

TEST_F(LocalStoreTest, ReadsRangesAndNamesMissingFiles) {
  { std::ofstream(path("r")) << "0123456789"; }
  auto r = store_.open(path("r"), 3, 4);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ((*r)->size(), 4u);
  char buf[16];
  auto n = (*r)->read(buf, sizeof(buf));
  ASSERT_TRUE(n.is_ok());
  EXPECT_EQ(std::string(buf, *n), "3456");
  EXPECT_EQ(*(*r)->read(buf, sizeof(buf)), 0u);
  auto tail = store_.open(path("r"), 8);
  EXPECT_EQ((*tail)->size(), 2u);
  auto past = store_.open(path("r"), 11);
  EXPECT_EQ(past.status().code(), StatusCode::kInvalidArgument);
  auto missing = store_.open(path("missing"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(path("missing")), std::string::npos);
  EXPECT_EQ(store_.head(path("missing")).status().code(), StatusCode::kNotFound);
}

TEST_F(LocalStoreTest, RemoveIsIdempotentAndRefusesDirectories) {
  { std::ofstream(path("x")) << "x"; }
  EXPECT_TRUE(store_.remove(path("x")).is_ok());
  EXPECT_FALSE(fs::exists(path("x")));
  EXPECT_TRUE(store_.remove(path("x")).is_ok());
  fs::create_directories(path("dir"));
  EXPECT_EQ(store_.remove(path("dir")).code(), StatusCode::kFailedPrecondition);
}

TEST_F(LocalStoreTest, CreateFailsClearlyWhenTheDirectoryIsNotWritable) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can write anywhere";
  fs::create_directories(path("ro"));
  fs::permissions(path("ro"), fs::perms::owner_read | fs::perms::owner_exec);
  auto w = store_.create(path("ro/f"));
  EXPECT_EQ(w.status().code(), StatusCode::kPermissionDenied);
  fs::permissions(path("ro"), fs::perms::owner_all);
}

}  // namespace
}  // namespace eddy::objstore
