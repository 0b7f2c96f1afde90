// FileSink: JSON-lines output to a file or stdout.
//
// Records are buffered and written with one write() per flush (the runtime flushes after each
// window, so a reader tailing the file sees whole lines). A file is created or truncated at
// open; position() is the byte length written, and truncate_to() cuts the file back to a
// checkpointed length, which is how restarts avoid duplicated lines. Writing to a closed pipe
// (eddy ... | head) ends the job quietly: reader_closed() tells the caller.
// Ownership: owns the descriptor (not stdout's). Thread-safety: one thread.
#pragma once

#include <memory>
#include <string>

#include "engine/record_sink.h"

namespace eddy::connectors {

class FileSink final : public engine::RecordSink {
 public:
  // "-" is stdout.
  static Result<std::unique_ptr<FileSink>> open(const std::string& path, bool append = false);
  ~FileSink() override;

  Status write(std::string_view record) override;
  Status flush() override;
  Status close() override;
  std::string describe() const override { return name_; }
  uint64_t position() const override { return written_ + buffer_.size(); }
  Status truncate_to(uint64_t position) override;
  bool reader_closed() const { return reader_closed_; }

 private:
  FileSink(int fd, std::string name, uint64_t start) : fd_(fd), name_(std::move(name)), written_(start) {}
  int fd_;
  std::string name_;
  uint64_t written_;
  std::string buffer_;
  bool reader_closed_ = false;
};

}  // namespace eddy::connectors
