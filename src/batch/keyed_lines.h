// The keyed-group job's line format and its scanning (used by key_bands.cc): a line is
// `KEY<delim>PAYLOAD`, read as Python's x.split(delim); int(x[0]) — the key is the text before
// the first delimiter, ASCII blanks around it allowed, an optional sign, decimal digits, in int64
// range. A line without the delimiter, or whose key is not an integer, is bad: the policy fails
// the job (naming the offset, which the caller turns into FILE:LINE) or skips and counts it.
// Here: the parsers of one line and the chunked, SIMD-assisted walk over a run's lines.
// Pure functions on borrowed bytes; thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "batch/worker_pool.h"
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

// Parses a key as the article's int(x[0]) does for ASCII text; false if it is not one.
bool parse_int_key(std::string_view text, int64_t* key);

enum class LineKind { kOk, kNoDelimiter, kBadKey };

struct LineChunk {
  size_t begin = 0, end = 0;  // [begin, end) of whole lines
  uint64_t count = 0, skipped = 0;
  BadLine bad;
};

// Finds the delimiter in [p, end); nullptr if absent. "::" (the article's) has a fast path.
inline const char* find_delim(const char* p, const char* end, std::string_view d) {
  if (d.size() == 2 && d[0] == d[1]) {
    const char c = d[0];
    while (p < end) {
      const char* q = static_cast<const char*>(std::memchr(p, c, end - p));
      if (!q || q + 1 >= end) return nullptr;
      if (q[1] == c) return q;
      p = q + 2;  // q[1] is not c: neither q nor q+1 can start the delimiter
    }
    return nullptr;
  }
  std::string_view s(p, end - p);
  size_t i = s.find(d);
  return i == std::string_view::npos ? nullptr : p + i;
}

inline const char* line_end(const char* p, const char* end) {
  return static_cast<const char*>(std::memchr(p, '\n', end - p));
}

// Parses one line [p, e) (without '\n'). On kOk sets key and payload offset.
inline LineKind parse_line(const char* base, const char* p, const char* e, std::string_view d,
                           int64_t* key, uint32_t* payload) {
  if (e > p && e[-1] == '\r') --e;
  const char* q = find_delim(p, e, d);
  if (!q) return LineKind::kNoDelimiter;
  if (!parse_int_key(std::string_view(p, q - p), key)) return LineKind::kBadKey;
  *payload = static_cast<uint32_t>(q + d.size() - base);
  return LineKind::kOk;
}

// The common case: up to 18 ASCII digits right before the delimiter at the start of the line
// [p, e). Sets the key and the payload offset; false sends the line to the general parser.
inline bool parse_fast(const char* base, const char* p, const char* e, std::string_view d,
                       int64_t* key, uint32_t* payload) {
  uint64_t v = 0;
  const char* q = p;
  while (q < e && static_cast<unsigned char>(*q - '0') < 10 && q - p < 18)
    v = v * 10 + (*q++ - '0');
  if (q == p || static_cast<size_t>(e - q) < d.size()) return false;
  if (d.size() == 2 ? (q[0] != d[0] || q[1] != d[1]) : std::memcmp(q, d.data(), d.size()) != 0)
    return false;
  *key = static_cast<int64_t>(v);
  *payload = static_cast<uint32_t>(q + d.size() - base);
  return true;
}

#ifdef __SSE2__
// Bit i set where p[i] == '\n', for the 64 bytes at p.
inline uint64_t newline_mask64(const char* p) {
  const __m128i nl = _mm_set1_epi8('\n');
  uint64_t m = 0;
  for (int k = 0; k < 4; ++k) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    m |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl))))
         << (16 * k);
  }
  return m;
}
#endif

// Calls fn(begin, end) for each line of [p, end) (whole lines: end[-1] is '\n'; `end` of a
// line points at its '\n') until fn returns false. Newlines are found 64 bytes at a time with
// SSE2 compares (a memchr call per ~22-byte line was a sixth of the job's time).
template <typename Fn>
inline void for_each_line(const char* p, const char* end, Fn&& fn) {
  const char* line = p;
  const char* blk = p;
#ifdef __SSE2__
  for (; end - blk >= 64; blk += 64) {
    for (uint64_t m = newline_mask64(blk); m; m &= m - 1) {
      const char* nl = blk + __builtin_ctzll(m);
      if (!fn(line, nl)) return;
      line = nl + 1;
    }
  }
#endif
  for (; blk < end; ++blk) {
    if (*blk != '\n') continue;
    if (!fn(line, blk)) return;
    line = blk + 1;
  }
}

std::string describe_bad(LineKind kind, const char* p, const char* e, std::string_view d);

// Splits lines into n pieces at line boundaries (fewer if there are fewer lines).
std::vector<LineChunk> split_chunks(std::string_view lines, size_t n);

// Calls fn(key, payload_offset, line, newline) for every good line of the chunk (line and newline
// bound it); records bad lines. Stops at the first bad line under kFail.
template <typename Fn>
inline void scan_chunk(std::string_view buf, LineChunk& c, const KeyedLineFormat& f, Fn&& fn) {
  const char* base = buf.data();
  std::string_view d = f.delimiter;
  for_each_line(base + c.begin, base + c.end, [&](const char* p, const char* e) {
    int64_t key;
    uint32_t payload;
    if (parse_fast(base, p, e, d, &key, &payload)) {
      fn(key, payload, p, e);
      return true;
    }
    LineKind kind = parse_line(base, p, e, d, &key, &payload);
    if (kind == LineKind::kOk) {
      fn(key, payload, p, e);
      return true;
    }
    if (c.bad.offset == UINT64_MAX) {
      c.bad.offset = p - base;
      c.bad.reason = describe_bad(kind, p, e, d);
    }
    ++c.skipped;
    return f.bad_lines != BadLinePolicy::kFail;
  });
}

// Adds the chunks' good and bad line counts; keeps the lowest bad line.
void add_chunk_totals(const std::vector<LineChunk>& chunks, uint64_t* records, uint64_t* skipped,
                      BadLine* first_bad);

}  // namespace eddy::batch
