// FdLineSource: line blocks from a file descriptor — JSON-lines files (plain or gzip, also
// concatenated gzip members), stdin, and TCP connections (line-delimited, as Spark's
// socketTextStream reads them).
//
// gzip is recognised by its magic bytes, not the file name, so `zcat`-less pipes work too.
// Lines longer than `max_line_bytes` are dropped without buffering them whole and counted in
// LineBlock::oversized_lines. Plain regular files can seek() (checkpoint restore).
// Ownership: owns the descriptor. Thread-safety: one thread at a time (LineSource contract).
#pragma once

#include <zlib.h>

#include <memory>
#include <string>

#include "common/clock.h"
#include "engine/line_source.h"

namespace eddy::connectors {

struct LineSourceOptions {
  size_t block_bytes = 1 << 20;
  size_t max_line_bytes = 1 << 20;
  Clock* clock = SystemClock::instance();
};

class FdLineSource final : public engine::LineSource {
 public:
  // `path` "-" is stdin. Missing or unreadable files: kNotFound / kIoError naming the path.
  static Result<std::unique_ptr<FdLineSource>> open_file(const std::string& path,
                                                         const LineSourceOptions& options = {});
  // "host:port": connects as a client and reads lines until the peer closes.
  static Result<std::unique_ptr<FdLineSource>> connect_tcp(const std::string& host_port,
                                                           const LineSourceOptions& options = {});
  ~FdLineSource() override;

  Result<engine::ReadStatus> read(engine::LineBlock* block, Micros deadline) override;
  bool live() const override { return live_; }
  std::string describe() const override { return name_; }
  uint64_t position() const override { return consumed_; }
  Status seek(uint64_t offset) override;

 private:
  FdLineSource(int fd, std::string name, bool live, bool seekable, const LineSourceOptions& o);
  // Reads up to `cap` decompressed bytes into buf; 0 at end of input.
  Result<size_t> raw_read(char* buf, size_t cap);
  // Waits until the descriptor is readable or the deadline passes (live sources).
  Result<bool> wait_readable(Micros deadline);

  int fd_;
  std::string name_;
  bool live_;
  bool seekable_;
  LineSourceOptions options_;
  std::string pending_;       // partial line carried to the next block (no '\n' in it)
  bool discarding_ = false;   // inside an oversized line: drop bytes until the next '\n'
  bool eof_ = false;
  uint64_t consumed_ = 0;     // bytes before pending_
  // gzip state (active once the magic bytes were seen).
  bool sniffed_ = false;
  bool gzip_ = false;
  z_stream zs_{};
  std::unique_ptr<unsigned char[]> zin_;
  size_t zin_len_ = 0;
  bool zin_eof_ = false;
  uint64_t compressed_read_ = 0;
};

}  // namespace eddy::connectors
