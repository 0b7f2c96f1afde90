// LineSource: where a stream job's records come from, as blocks of complete lines.
//
// A source hands out blocks of whole lines (each ends in '\n', except possibly the last line
// of a finite input) so that blocks can be decoded in parallel and in any order, then
// sequenced by offset. Every block carries the byte offsets it spans, which is what a
// checkpoint records (position()) and what a restart resumes from (seek()).
// Lines longer than the source's limit are never buffered whole: the source drops them and
// counts them (oversized_lines) so one bad line cannot exhaust memory.
// Ownership: the caller owns the block buffers it passes in. Thread-safety: one thread calls
// a source at a time.
#pragma once

#include <cstdint>
#include <string>

#include "common/byte_buffer.h"
#include "common/clock.h"
#include "common/status.h"

namespace eddy::engine {

// Bytes that must stay readable after the end of `data` so simdjson can parse in place.
inline constexpr size_t kBlockPadding = 64;

struct LineBlock {
  ByteBuffer data;             // complete lines; capacity() >= size() + kBlockPadding
  uint64_t offset = 0;         // source position of data[0]
  uint64_t end_offset = 0;     // source position after the last byte (incl. dropped lines)
  uint64_t first_line = 0;     // 1-based line number of the first line in data (0: unknown)
  uint64_t oversized_lines = 0;  // lines the source dropped for exceeding its limit
};

enum class ReadStatus { kData, kTimeout, kEnd };

class LineSource {
 public:
  virtual ~LineSource() = default;
  // Replaces *block with the next lines. Live sources wait for data at most until `deadline`
  // (Clock time) and then return kTimeout; finite sources ignore it. kEnd: no more data.
  virtual Result<ReadStatus> read(LineBlock* block, Micros deadline) = 0;
  // True for unbounded sources (stdin from a pipe, tcp): pacing and wall-clock windows matter.
  virtual bool live() const = 0;
  // "file tweets.jsonl", "tcp localhost:9999", ...: for messages and metrics.
  virtual std::string describe() const = 0;
  // Offset of the next byte read() will return; restored with seek() where supported.
  virtual uint64_t position() const = 0;
  virtual Status seek(uint64_t offset) {
    (void)offset;
    return unimplemented(describe() + " cannot seek: it cannot be replayed from a checkpoint");
  }
};

}  // namespace eddy::engine
