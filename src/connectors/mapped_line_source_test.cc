// MappedLineSource and MappedFile: blocks cover the file exactly, end after a newline and keep
// the parser's padding readable (file sizes around page multiples, no final newline, lines
// longer than a block, an empty file); seek; which files open_file_source maps. Bad input
// tried: a file truncated while it is mapped (reads past the cut see zeros instead of SIGBUS,
// and check() fails the job with the sizes), a seek past the end, a missing file, a gzip file
// and a /proc file that claims to be empty (both read, not mapped), a directory.
#include "connectors/mapped_line_source.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include "connectors/connectors_test_util.h"

namespace eddy::connectors {
namespace {

class MappedSourceTest : public TempDirTest {
 protected:
  std::unique_ptr<engine::LineSource> open(const std::string& path, size_t block_bytes) {
    LineSourceOptions o;
    o.block_bytes = block_bytes;
    auto s = open_file_source(path, o);
    EXPECT_TRUE(s.is_ok()) << s.status().to_string();
    return s.is_ok() ? std::move(*s) : nullptr;
  }
};

std::string numbered_lines(size_t bytes) {
  std::string s;
  for (int i = 0; s.size() < bytes; ++i) s += "{\"n\":" + std::to_string(i) + "}\n";
  s.resize(bytes);
  return s;
}

TEST_F(MappedSourceTest, BlocksCoverTheFileAndEndAfterANewline) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  for (size_t size : std::initializer_list<size_t>{1, 100, page - 1, page, page + 1, 3 * page,
                                                   3 * page - 30, 100000}) {
    for (bool final_newline : {true, false}) {
      std::string text = numbered_lines(size);
      text.back() = final_newline ? '\n' : '}';
      std::string p = write("f.jsonl", text);
      for (size_t block : {size_t{1}, size_t{4096}, size_t{10000}, size_t{1} << 20}) {
        auto s = open(p, block);
        ASSERT_TRUE(s);
        EXPECT_EQ(dynamic_cast<MappedLineSource*>(s.get()) != nullptr, true) << "not mapped";
        engine::LineBlock b;
        std::string all;
        while (*s->read(&b, 0) == engine::ReadStatus::kData) {
          std::string_view l = b.lines();
          EXPECT_TRUE(l.back() == '\n' || b.end_offset == text.size()) << size << "/" << block;
          all.append(l);
        }
        EXPECT_EQ(all, text) << "size " << size << " block " << block;
        auto again = open(p, block);
        EXPECT_EQ(read_all(*again), text);
      }
    }
  }
}

TEST_F(MappedSourceTest, ALineLongerThanABlockMakesALongerBlock) {
  std::string text = "{\"a\":1}\n" + std::string(50000, 'x') + "\n{\"b\":2}\n";
  auto s = open(write("long.jsonl", text), 4096);
  int blocks = 0;
  EXPECT_EQ(read_all(*s, nullptr, &blocks), text);
  EXPECT_EQ(blocks, 2);
}

TEST_F(MappedSourceTest, EmptyFileEndsAtOnce) {
  auto s = open(write("empty.jsonl", ""), 4096);
  int blocks = -1;
  EXPECT_EQ(read_all(*s, nullptr, &blocks), "");
  EXPECT_EQ(blocks, 0);
}

TEST_F(MappedSourceTest, SeekResumesAtAnOffset) {
  std::string text = numbered_lines(20000);
  text.back() = '\n';
  auto s = open(write("f.jsonl", text), 4096);
  size_t cut = text.find('\n', 7000) + 1;
  ASSERT_TRUE(s->seek(cut).is_ok());
  EXPECT_EQ(s->position(), cut);
  EXPECT_EQ(read_all(*s), text.substr(cut));
  Status past = s->seek(text.size() + 1);
  EXPECT_EQ(past.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(past.message().find("the file has 20000 bytes"), std::string::npos) << past.message();
}

TEST_F(MappedSourceTest, TruncatedWhileMappedReadsZerosAndFailsTheCheck) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  std::string text = numbered_lines(64 * page);
  text.back() = '\n';
  std::string p = write("t.jsonl", text);
  auto s = open(p, 8 * page);
  engine::LineBlock first;
  ASSERT_EQ(*s->read(&first, 0), engine::ReadStatus::kData);
  EXPECT_TRUE(s->check(first).is_ok());
  // Another process cuts the file to 10 pages while the job still has 54 to read.
  ASSERT_EQ(::truncate(p.c_str(), static_cast<off_t>(10 * page)), 0);
  engine::LineBlock b;
  size_t zeros = 0, checked = 0;
  Status failed;
  while (*s->read(&b, 0) == engine::ReadStatus::kData) {
    std::string_view l = b.lines();
    for (char c : l) zeros += c == '\0';  // past the cut: a SIGBUS without the guard
    Status c = s->check(b);
    ++checked;
    if (!c.is_ok()) {
      failed = c;
      break;
    }
    EXPECT_EQ(l, std::string_view(text).substr(b.offset, l.size())) << "intact before the cut";
  }
  EXPECT_GT(zeros, 0u);
  EXPECT_EQ(failed.code(), StatusCode::kDataLoss);
  EXPECT_NE(failed.message().find("was truncated while the job read it (it had " +
                                  std::to_string(text.size()) + " bytes when opened, now " +
                                  std::to_string(10 * page) + " bytes)"),
            std::string::npos)
      << failed.message();
  EXPECT_LE(checked, 2u) << "the block that crossed the cut is the one that fails";
}

TEST_F(MappedSourceTest, StdinGzipAndOtherInputsAreReadNotMapped) {
  std::string gz = (dir_ / "t.jsonl.gz").string();
  gzFile f = gzopen(gz.c_str(), "wb");
  gzwrite(f, "{\"a\":1}\n", 8);
  gzclose(f);
  auto s = open(gz, 4096);
  ASSERT_TRUE(s);
  EXPECT_EQ(dynamic_cast<MappedLineSource*>(s.get()), nullptr);
  EXPECT_EQ(read_all(*s), "{\"a\":1}\n");

  // /proc files say they are empty; they are read, not mapped (which would give nothing).
  auto proc = open_file_source("/proc/self/status", {});
  ASSERT_TRUE(proc.is_ok());
  EXPECT_EQ(dynamic_cast<MappedLineSource*>(proc->get()), nullptr);
  EXPECT_NE(read_all(**proc).find("Name:"), std::string::npos);

  auto missing = open_file_source((dir_ / "nope.jsonl").string(), {});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("does not exist"), std::string::npos);
  auto dir = open_file_source(dir_.string(), {});
  EXPECT_EQ(dir.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(dir.status().message().find("is a directory"), std::string::npos);
}

}  // namespace
}  // namespace eddy::connectors
