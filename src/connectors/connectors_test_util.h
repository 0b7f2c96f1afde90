// Test helpers shared by the connectors' tests: a fixture with a fresh temporary directory per
// test, file helpers, and read_all() of a line source.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "engine/line_source.h"

namespace eddy::connectors {

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("eddy_conn_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // Writes `bytes` to dir/name; returns the path.
  std::string write(const std::string& name, const std::string& bytes) {
    std::string p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  static std::string slurp(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::filesystem::path dir_;
};

// Reads every block, checking the LineBlock contract; returns the bytes in order.
inline std::string read_all(engine::LineSource& s, uint64_t* oversized = nullptr,
                            int* blocks = nullptr) {
  engine::LineBlock b;
  std::string all;
  uint64_t pos = s.position();
  int n = 0;
  for (;;) {
    auto r = s.read(&b, 0);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    if (!r.is_ok() || *r == engine::ReadStatus::kEnd) break;
    std::string_view lines = b.lines();
    EXPECT_EQ(b.offset, pos);
    if (b.oversized_lines == 0) {
      EXPECT_EQ(b.end_offset, pos + lines.size());
    }
    EXPECT_GE(b.end_offset, pos + lines.size());  // dropped lines count in the offsets
    EXPECT_GE(b.readable(), lines.size() + engine::kBlockPadding);
    // The padding really is readable (ASan would flag a read past a buffer).
    volatile char c = lines.data()[lines.size() + engine::kBlockPadding - 1];
    (void)c;
    EXPECT_TRUE(s.check(b).is_ok());
    pos = b.end_offset;
    all.append(lines);
    if (oversized) *oversized += b.oversized_lines;
    ++n;
  }
  if (blocks) *blocks = n;
  return all;
}

}  // namespace eddy::connectors
