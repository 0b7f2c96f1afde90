// GroupedRun: one buffer of `KEY<delim>VALUE...` lines grouped by integer key — the
// split → key_by(int) → group_by_key → sort_by_key core of the article's transform.
//
// A run keeps the lines where they are (the buffer is the string arena: no per-record
// allocation) and holds 4 bytes per record: the offset of the record's payload (the bytes after
// the first delimiter). Keys come out ascending, and each key's values in input order.
// Grouping is a parallel counting sort when the keys are dense (max - min within a few times
// the record count: ids), else a parallel sort of (key, offset) pairs; both are stable.
// Line format (Python's x.split(delim); int(x[0])): the key is the text before the first
// delimiter, ASCII blanks around it allowed, an optional sign, decimal digits, in int64 range.
// A line without the delimiter, or whose key is not an integer, is bad: the policy fails the
// job (naming the offset, which the caller turns into FILE:LINE) or skips and counts it.
// Ownership: a run borrows the buffer it was built from. Thread-safety: build on one thread
// (it fans out on the pool); a built run is read-only and may be read from many threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "batch/worker_pool.h"
#include "common/byte_buffer.h"
#include "common/status.h"

namespace eddy::batch {

enum class BadLinePolicy { kFail, kSkip };

struct KeyedLineFormat {
  std::string delimiter = "::";
  BadLinePolicy bad_lines = BadLinePolicy::kFail;
};

// The first bad line met (lowest offset), for the error or the skip summary.
struct BadLine {
  uint64_t offset = UINT64_MAX;  // buffer offset of the line's first byte; MAX if none
  std::string reason;            // "no '::' delimiter in line 'abc'"
};

struct GroupedRun {
  std::vector<int64_t> keys;     // distinct, ascending
  std::vector<uint32_t> starts;  // keys.size() + 1 entries: values of keys[i] are
                                 // values[starts[i] .. starts[i+1])
  std::vector<uint32_t> values;  // payload offsets into the buffer, input order within a key
  uint64_t records = 0;
  uint64_t skipped = 0;  // bad lines skipped (kSkip)
  BadLine first_bad;
};

// Groups the lines of buf (every line ends in '\n'; buf.size() < 4 GiB). With kFail, a bad line
// returns kInvalidArgument and sets *bad (the message is completed by the caller).
Result<GroupedRun> group_keyed_lines(std::string_view buf, const KeyedLineFormat& format,
                                     WorkerPool& pool, BadLine* bad);

// The payload starting at `offset` up to the end of its line (a '\r' before '\n' removed).
std::string_view payload_at(std::string_view buf, uint32_t offset);

// Parses a key as the article's int(x[0]) does for ASCII text; false if it is not one.
bool parse_int_key(std::string_view text, int64_t* key);

}  // namespace eddy::batch
