#include "batch/grouped_run.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace eddy::batch {
namespace {

enum class LineKind { kOk, kNoDelimiter, kBadKey };

struct Chunk {
  size_t begin = 0, end = 0;  // [begin, end) of whole lines
  int64_t min = INT64_MAX, max = INT64_MIN;
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

// The common case in one pass: up to 18 ASCII digits right before the delimiter. Sets the key,
// the payload offset and the line end; false sends the line to the general parser.
inline bool parse_fast(const char* base, const char* p, const char* end, std::string_view d,
                       int64_t* key, uint32_t* payload, const char** line_end_out) {
  uint64_t v = 0;
  const char* q = p;
  while (q < end && static_cast<unsigned char>(*q - '0') < 10 && q - p < 18)
    v = v * 10 + (*q++ - '0');
  if (q == p || static_cast<size_t>(end - q) < d.size()) return false;
  if (d.size() == 2 ? (q[0] != d[0] || q[1] != d[1]) : std::memcmp(q, d.data(), d.size()) != 0)
    return false;
  const char* after = q + d.size();
  const char* e = static_cast<const char*>(std::memchr(after, '\n', end - after));
  if (!e) return false;
  *key = static_cast<int64_t>(v);
  *payload = static_cast<uint32_t>(after - base);
  *line_end_out = e;
  return true;
}

std::string describe_bad(LineKind kind, const char* p, const char* e, std::string_view d) {
  if (e > p && e[-1] == '\r') --e;
  std::string line(p, std::min<size_t>(e - p, 120));
  if (static_cast<size_t>(e - p) > 120) line += "...";
  if (kind == LineKind::kNoDelimiter)
    return "no '" + std::string(d) + "' delimiter in line '" + line + "'";
  const char* q = find_delim(p, e, d);
  std::string k(p, q ? q - p : e - p);
  return "key '" + k + "' is not an integer (line '" + line + "')";
}

// Splits buf into n pieces at line boundaries.
std::vector<Chunk> split_chunks(const ByteBuffer& buf, size_t n) {
  std::vector<Chunk> chunks;
  size_t size = buf.size(), at = 0;
  for (size_t i = 0; i < n && at < size; ++i) {
    size_t target = i + 1 == n ? size : std::max(at, size * (i + 1) / n);
    if (target < size) {
      const char* nl = line_end(buf.data() + target, buf.data() + size);
      target = nl ? nl - buf.data() + 1 : size;
    }
    if (target > at) {
      Chunk c;
      c.begin = at;
      c.end = target;
      chunks.push_back(c);
    }
    at = target;
  }
  return chunks;
}

// Calls fn(key, payload_offset) for every good line of the chunk; records bad lines. Stops at
// the first bad line under kFail.
template <typename Fn>
void scan_chunk(const ByteBuffer& buf, Chunk& c, const KeyedLineFormat& f, Fn&& fn) {
  const char* base = buf.data();
  const char* p = base + c.begin;
  const char* end = base + c.end;
  std::string_view d = f.delimiter;
  while (p < end) {
    int64_t key;
    uint32_t payload;
    const char* e;
    if (parse_fast(base, p, end, d, &key, &payload, &e)) {
      fn(key, payload);
      p = e + 1;
      continue;
    }
    e = line_end(p, end);
    LineKind kind = parse_line(base, p, e, d, &key, &payload);
    if (kind == LineKind::kOk) {
      fn(key, payload);
    } else {
      if (c.bad.offset == UINT64_MAX) {
        c.bad.offset = p - base;
        c.bad.reason = describe_bad(kind, p, e, d);
      }
      ++c.skipped;
      if (f.bad_lines == BadLinePolicy::kFail) return;
    }
    p = e + 1;
  }
}

}  // namespace

bool parse_int_key(std::string_view t, int64_t* key) {
  size_t b = 0, e = t.size();
  while (b < e && (t[b] == ' ' || t[b] == '\t')) ++b;
  while (e > b && (t[e - 1] == ' ' || t[e - 1] == '\t')) --e;
  size_t digits = b;
  if (b < e && t[b] == '+')
    digits = ++b;  // from_chars takes '-' but not '+'
  else if (b < e && t[b] == '-')
    digits = b + 1;
  if (digits >= e || t[digits] < '0' || t[digits] > '9') return false;
  auto [p, ec] = std::from_chars(t.data() + b, t.data() + e, *key);
  if (ec != std::errc() || p != t.data() + e) return false;
  if (*key == 0) *key = 0;  // "-0" is 0
  return true;
}

std::string_view payload_at(const ByteBuffer& buf, uint32_t offset) {
  const char* p = buf.data() + offset;
  const char* e = line_end(p, buf.data() + buf.size());
  if (e > p && e[-1] == '\r') --e;
  return std::string_view(p, e - p);
}

Result<GroupedRun> group_keyed_lines(const ByteBuffer& buf, const KeyedLineFormat& format,
                                     WorkerPool& pool, BadLine* bad) {
  GroupedRun run;
  std::vector<Chunk> chunks = split_chunks(buf, static_cast<size_t>(pool.threads()));
  const size_t nc = chunks.size();
  // Pass 1: validate, key range and counts.
  pool.run(nc, [&](size_t i) {
    Chunk& c = chunks[i];
    scan_chunk(buf, c, format, [&c](int64_t k, uint32_t) {
      c.min = std::min(c.min, k);
      c.max = std::max(c.max, k);
      ++c.count;
    });
  });
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (const Chunk& c : chunks) {
    if (c.bad.offset < run.first_bad.offset) run.first_bad = c.bad;
    run.records += c.count;
    run.skipped += c.skipped;
    lo = std::min(lo, c.min);
    hi = std::max(hi, c.max);
  }
  if (format.bad_lines == BadLinePolicy::kFail && run.first_bad.offset != UINT64_MAX) {
    *bad = run.first_bad;
    return invalid_argument(run.first_bad.reason);
  }
  if (run.records == 0) {
    run.starts.push_back(0);
    return run;
  }
  run.values.resize(run.records);
  // hi - lo in unsigned arithmetic cannot overflow (hi >= lo).
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  const bool dense =
      span < (1u << 28) && span < 4 * run.records + 65536 && (span + 1) * nc <= (1u << 28);
  const uint64_t range = span + 1;
  if (dense) {
    // Counting sort: per-chunk histograms, chunk-major prefix sums (stable), scatter.
    const size_t r = static_cast<size_t>(range);
    std::vector<std::vector<uint32_t>> pos(nc);
    pool.run(nc, [&](size_t i) {
      pos[i].assign(r, 0);
      uint32_t* h = pos[i].data();
      Chunk copy = chunks[i];
      copy.bad = {};
      copy.skipped = 0;
      scan_chunk(buf, copy, format, [h, lo](int64_t k, uint32_t) {
        ++h[static_cast<uint64_t>(k) - static_cast<uint64_t>(lo)];
      });
    });
    uint32_t running = 0;
    for (size_t k = 0; k < r; ++k) {
      uint32_t before = running;
      for (size_t i = 0; i < nc; ++i) {
        uint32_t n = pos[i][k];
        pos[i][k] = running;
        running += n;
      }
      if (running != before) {
        run.keys.push_back(static_cast<int64_t>(static_cast<uint64_t>(lo) + k));
        run.starts.push_back(before);
      }
    }
    run.starts.push_back(running);
    pool.run(nc, [&](size_t i) {
      uint32_t* p = pos[i].data();
      uint32_t* v = run.values.data();
      Chunk copy = chunks[i];
      copy.bad = {};
      copy.skipped = 0;
      scan_chunk(buf, copy, format, [p, v, lo](int64_t k, uint32_t off) {
        v[p[static_cast<uint64_t>(k) - static_cast<uint64_t>(lo)]++] = off;
      });
    });
    return run;
  }
  // Sparse keys: sort (key, offset) pairs; offsets grow with input order, so this is stable.
  std::vector<std::pair<int64_t, uint32_t>> pairs(run.records);
  std::vector<size_t> first(nc + 1, 0);
  for (size_t i = 0; i < nc; ++i) first[i + 1] = first[i] + chunks[i].count;
  pool.run(nc, [&](size_t i) {
    auto* out = pairs.data() + first[i];
    Chunk copy = chunks[i];
    copy.bad = {};
    copy.skipped = 0;
    scan_chunk(buf, copy, format, [&out](int64_t k, uint32_t off) { *out++ = {k, off}; });
    std::sort(pairs.begin() + first[i], pairs.begin() + first[i + 1]);
  });
  for (size_t i = 1; i < nc; ++i)
    std::inplace_merge(pairs.begin(), pairs.begin() + first[i], pairs.begin() + first[i + 1]);
  for (size_t j = 0; j < pairs.size(); ++j) {
    if (j == 0 || pairs[j].first != pairs[j - 1].first) {
      run.keys.push_back(pairs[j].first);
      run.starts.push_back(static_cast<uint32_t>(j));
    }
    run.values[j] = pairs[j].second;
  }
  run.starts.push_back(static_cast<uint32_t>(pairs.size()));
  return run;
}

}  // namespace eddy::batch
