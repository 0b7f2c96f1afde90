// FdLineSource: block boundaries, gzip (also concatenated members), oversized lines, files
// without a final newline, TCP — and the bad input tried: missing file, directory, corrupt
// and truncated gzip, a 3 MiB line without newline between good lines.
#include "connectors/fd_line_source.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "connectors/connectors_test_util.h"

namespace eddy::connectors {
namespace {

namespace fs = std::filesystem;

class TempDir : public TempDirTest {
 protected:
  std::string gzip(const std::string& name, const std::string& bytes) {
    std::string p = (dir_ / name).string();
    gzFile f = gzopen(p.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
    return p;
  }
};

std::string lines(int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += "{\"n\": " + std::to_string(i) + ", \"pad\": \"xxxxxxxxxxxxxxxxxxxx\"}\n";
  return s;
}

TEST_F(TempDir, BlocksHoldWholeLinesAndCoverTheFile) {
  std::string text = lines(20000);
  LineSourceOptions o;
  o.block_bytes = 4096;
  auto s = FdLineSource::open_file(write("a.jsonl", text), o);
  ASSERT_TRUE(s.is_ok());
  int blocks = 0;
  EXPECT_EQ(read_all(**s, nullptr, &blocks), text);
  EXPECT_GT(blocks, 100);
}

TEST_F(TempDir, LastLineWithoutNewlineIsKept) {
  auto s = FdLineSource::open_file(write("a.jsonl", "one\ntwo"));
  ASSERT_TRUE(s.is_ok());
  EXPECT_EQ(read_all(**s), "one\ntwo");
}

TEST_F(TempDir, GzipAndConcatenatedMembersAreRead) {
  std::string a = lines(3000), b = lines(10);
  std::string p1 = gzip("a.gz", a), p2 = gzip("b.gz", b);
  std::string both = slurp(p1) + slurp(p2);
  auto s = FdLineSource::open_file(write("ab.jsonl.gz", both));
  ASSERT_TRUE(s.is_ok());
  EXPECT_EQ(read_all(**s), a + b);
}

TEST_F(TempDir, CorruptGzipIsDataLossNamingTheFile) {
  std::string z = slurp(gzip("a.gz", lines(5000)));
  z[z.size() / 2] ^= 0x55;
  z[z.size() / 2 + 1] ^= 0x55;
  auto s = FdLineSource::open_file(write("bad.gz", z));
  ASSERT_TRUE(s.is_ok());
  engine::LineBlock b;
  Status last;
  for (int i = 0; i < 1000; ++i) {
    auto r = (*s)->read(&b, 0);
    if (!r.is_ok()) {
      last = r.status();
      break;
    }
    if (*r == engine::ReadStatus::kEnd) break;
  }
  EXPECT_EQ(last.code(), StatusCode::kDataLoss) << last.to_string();
  EXPECT_NE(last.message().find("bad.gz"), std::string::npos);
}

TEST_F(TempDir, TruncatedGzipIsDataLoss) {
  std::string z = slurp(gzip("a.gz", lines(5000)));
  auto s = FdLineSource::open_file(write("cut.gz", z.substr(0, z.size() / 2)));
  ASSERT_TRUE(s.is_ok());
  engine::LineBlock b;
  Status last;
  for (int i = 0; i < 1000 && last.is_ok(); ++i) {
    auto r = (*s)->read(&b, 0);
    if (!r.is_ok())
      last = r.status();
    else if (*r == engine::ReadStatus::kEnd)
      break;
  }
  EXPECT_EQ(last.code(), StatusCode::kDataLoss);
}

TEST_F(TempDir, OversizedLineIsDroppedAndCounted) {
  std::string big(3 << 20, 'x');
  std::string text = "first\n" + big + "\nlast\n";
  LineSourceOptions o;
  o.block_bytes = 1 << 16;
  auto s = FdLineSource::open_file(write("big.jsonl", text), o);
  ASSERT_TRUE(s.is_ok());
  uint64_t oversized = 0;
  EXPECT_EQ(read_all(**s, &oversized), "first\nlast\n");
  EXPECT_EQ(oversized, 1u);
  EXPECT_EQ((*s)->position(), text.size());
}

TEST_F(TempDir, MissingFileAndDirectoryAreClearErrors) {
  auto a = FdLineSource::open_file((dir_ / "nope.jsonl").string());
  EXPECT_EQ(a.status().code(), StatusCode::kNotFound);
  EXPECT_NE(a.status().message().find("nope.jsonl"), std::string::npos);
  auto b = FdLineSource::open_file(dir_.string());
  EXPECT_EQ(b.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(TempDir, SeekResumesAtALineBoundary) {
  std::string text = lines(100);
  auto s = FdLineSource::open_file(write("a.jsonl", text));
  ASSERT_TRUE(s.is_ok());
  size_t off = text.find('\n', text.size() / 2) + 1;
  ASSERT_TRUE((*s)->seek(off).is_ok());
  EXPECT_EQ(read_all(**s), text.substr(off));
}

TEST(TcpSource, ReadsLinesUntilThePeerCloses) {
  int srv = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(srv, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(srv, reinterpret_cast<sockaddr*>(&addr), &len);
  listen(srv, 1);
  std::string text = lines(2000);
  std::thread server([&] {
    int c = accept(srv, nullptr, nullptr);
    // Write in odd-sized pieces so lines straddle reads.
    for (size_t i = 0; i < text.size(); i += 777) {
      size_t n = std::min<size_t>(777, text.size() - i);
      ASSERT_EQ(write(c, text.data() + i, n), static_cast<ssize_t>(n));
    }
    close(c);
  });
  auto s = FdLineSource::connect_tcp("127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_TRUE((*s)->live());
  engine::LineBlock b;
  std::string got;
  for (;;) {
    auto r = (*s)->read(&b, SystemClock::instance()->now() + 5000000);
    ASSERT_TRUE(r.is_ok());
    if (*r == engine::ReadStatus::kEnd) break;
    if (*r == engine::ReadStatus::kData) {
      ASSERT_TRUE(b.data.empty() || b.data.view().back() == '\n');
      got.append(b.data.view());
    }
  }
  server.join();
  close(srv);
  EXPECT_EQ(got, text);
}

TEST(TcpSource, RefusedConnectionIsUnavailable) {
  auto s = FdLineSource::connect_tcp("127.0.0.1:1");
  EXPECT_EQ(s.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(FdLineSource::connect_tcp("nocolon").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace eddy::connectors
