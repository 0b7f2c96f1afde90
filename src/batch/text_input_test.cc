// expand_inputs and partial outputs (issue 19, item 10): a directory of part files without
// _SUCCESS is refused, a glob over its files reads them, other directories need no _SUCCESS.
#include "batch/text_input.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace eddy::batch {
namespace {

namespace fs = std::filesystem;

class ExpandInputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("eddy-text-input-test-" + std::to_string(::getpid()) +
                                        "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
  }
  fs::path dir_;
};

TEST_F(ExpandInputsTest, PartFilesWithoutSuccessAreAPartialOutput) {
  write("out/part-00000", "a\n");
  write("out/part-00001", "b\n");
  const std::string out = (dir_ / "out").string();
  auto r = expand_inputs({out});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("input '" + out + "': a partial output"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find(out + "/part-*"), std::string::npos) << r.status().message();
  // The glob the message names reads the files.
  auto g = expand_inputs({out + "/part-*"});
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  EXPECT_EQ(g->size(), 2u);
  // Complete once _SUCCESS is there.
  write("out/_SUCCESS", "");
  auto done = expand_inputs({out});
  ASSERT_TRUE(done.is_ok()) << done.status().to_string();
  EXPECT_EQ(done->size(), 2u);
}

TEST_F(ExpandInputsTest, DirectoriesWithoutPartFilesNeedNoSuccess) {
  write("logs/a.json", "{}\n");
  write("logs/b.json", "{}\n");
  auto r = expand_inputs({(dir_ / "logs").string()});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->size(), 2u);
}

}  // namespace
}  // namespace eddy::batch
