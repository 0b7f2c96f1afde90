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
#include <string_view>

#include "common/byte_buffer.h"
#include "common/clock.h"
#include "common/status.h"

namespace eddy::engine {

// Bytes that must stay readable after the end of `data` so simdjson can parse in place.
inline constexpr size_t kBlockPadding = 64;

struct LineBlock {
  ByteBuffer data;  // complete lines; capacity() >= size() + kBlockPadding
  // Sources that hand out their own memory (a mapped file) point `mapped` at the lines instead
  // of filling `data`, with `mapped_readable` (>= mapped.size() + kBlockPadding) bytes readable
  // from its start; other sources leave mapped_readable 0.
  std::string_view mapped;
  size_t mapped_readable = 0;
  uint64_t offset = 0;           // source position of data[0]
  uint64_t end_offset = 0;       // source position after the last byte (incl. dropped lines)
  uint64_t first_line = 0;       // 1-based line number of the first line in data (0: unknown)
  uint64_t oversized_lines = 0;  // lines the source dropped for exceeding its limit

  std::string_view lines() const { return mapped_readable ? mapped : data.view(); }
  // Bytes readable from lines().data(): at least lines().size() + kBlockPadding.
  size_t readable() const { return mapped_readable ? mapped_readable : data.capacity(); }
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
  // Called after a block was decoded, before its records are used: an error if the block's
  // bytes were not intact while it was read (a mapped file truncated under the job).
  virtual Status check(const LineBlock& block) const {
    (void)block;
    return Status::ok();
  }
  virtual Status seek(uint64_t offset) {
    (void)offset;
    return unimplemented(describe() + " cannot seek: it cannot be replayed from a checkpoint");
  }
};

}  // namespace eddy::engine
