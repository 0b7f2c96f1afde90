// MappedLineSource: line blocks of a plain regular file read through a MappedFile — the
// blocks point into the mapping, so no byte is copied (the decoders parse the page cache's
// pages). Used for every plain (not gzip) regular input file; stdin, pipes, gzip files and
// TCP go through FdLineSource, which reads.
//
// Blocks are about `block_bytes` and end after a '\n' (the last may end the file without
// one). A line longer than the block size simply makes a longer block — nothing is buffered,
// so there is no line limit here; the decoders skip lines over their limit as bad input.
// Only the last block is copied, and only when the file's last page leaves no room for the
// parser's padding. Blocks the job is done with (a block object handed back to read()) have
// their pages unmapped, so resident memory stays at the blocks in flight.
// If the file is truncated while the job reads it, check() fails the block that saw the
// missing bytes (they read as zeros; see MappedFile) before any of its records are used.
// Ownership: owns the descriptor and the mapping. Thread-safety: LineSource contract.
#pragma once

#include <memory>
#include <string>

#include "connectors/fd_line_source.h"
#include "connectors/mapped_file.h"
#include "engine/line_source.h"

namespace eddy::connectors {

class MappedLineSource final : public engine::LineSource {
 public:
  // Takes ownership of `fd`, a plain regular file.
  static Result<std::unique_ptr<MappedLineSource>> open(int fd, std::string name,
                                                        const LineSourceOptions& options);
  ~MappedLineSource() override;

  Result<engine::ReadStatus> read(engine::LineBlock* block, Micros deadline) override;
  bool live() const override { return false; }
  std::string describe() const override { return name_; }
  uint64_t position() const override { return pos_; }
  Status seek(uint64_t offset) override;
  Status check(const engine::LineBlock& block) const override;

 private:
  MappedLineSource(int fd, std::string name, std::unique_ptr<MappedFile> file, size_t block_bytes)
      : fd_(fd), name_(std::move(name)), file_(std::move(file)), block_bytes_(block_bytes) {}
  int fd_;
  std::string name_;
  std::unique_ptr<MappedFile> file_;
  size_t block_bytes_;
  uint64_t pos_ = 0;
};

// Opens an input file for a stream job: "-" is stdin; a plain regular file is mapped
// (MappedLineSource); gzip files, empty-looking files (/proc, /sys) and anything that is not
// a regular file are read (FdLineSource).
Result<std::unique_ptr<engine::LineSource>> open_file_source(const std::string& path,
                                                             const LineSourceOptions& options);

}  // namespace eddy::connectors
