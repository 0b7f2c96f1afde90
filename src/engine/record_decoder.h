// RecordDecoder: turns one input line into an event time and zero or more keys, or a reason
// to skip it. Decoders run on worker threads, one instance per thread, over whole blocks;
// their output (DecodedBlock) is then sequenced in input order by the stream runtime.
// Bad input is data, not an exception: every skipped line has a SkipReason, counted and
// reported with a sample message, and the job goes on.
// Thread-safety: a decoder instance is used by one thread at a time; a DecoderFactory's
// create() may be called from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"

namespace eddy::engine {

enum class SkipReason : uint8_t {
  kInvalidJson,
  kInvalidUtf8,
  kMissingField,
  kWrongType,
  kLineTooLong,
  kTimeOutOfRange,
  kCount
};
const char* skip_reason_name(SkipReason r);  // "invalid_json", ...

// The decoded records of one block, in input order.
struct DecodedBlock {
  std::vector<Micros> times;          // event time per record that passed the filters
  std::vector<uint32_t> key_end;      // per record: one past its last key in key_begin
  std::vector<uint32_t> key_begin;    // per key: offset into arena (key i ends at key_begin[i+1]
                                      // or arena.size())
  std::string arena;                  // key bytes
  uint64_t lines = 0;                 // lines seen, including skipped and filtered ones
  uint64_t filtered = 0;              // lines dropped by a filter (e.g. lang != en)
  std::array<uint64_t, static_cast<size_t>(SkipReason::kCount)> skipped{};
  // First problem in this block, for the rate-limited warning: line index within the block.
  uint64_t first_problem_line = 0;
  std::string first_problem;

  void clear();
  void add_key(std::string_view key) {
    key_begin.push_back(static_cast<uint32_t>(arena.size()));
    arena.append(key);
  }
  void end_record(Micros t) {
    times.push_back(t);
    key_end.push_back(static_cast<uint32_t>(key_begin.size()));
  }
  std::string_view key(size_t i) const {
    size_t end = i + 1 < key_begin.size() ? key_begin[i + 1] : arena.size();
    return std::string_view(arena).substr(key_begin[i], end - key_begin[i]);
  }
  void skip(SkipReason r, uint64_t line_index, std::string_view message);
};

class RecordDecoder {
 public:
  virtual ~RecordDecoder() = default;
  // Decodes one line (without its '\n'). `padded_capacity` bytes from line.data() are
  // readable (>= line.size() + kBlockPadding). Appends to *out and bumps its counters.
  virtual void decode(std::string_view line, size_t padded_capacity, DecodedBlock* out) = 0;
};

class DecoderFactory {
 public:
  virtual ~DecoderFactory() = default;
  virtual std::unique_ptr<RecordDecoder> create() const = 0;
};

}  // namespace eddy::engine
