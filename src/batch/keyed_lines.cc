#include "batch/keyed_lines.h"

#include <algorithm>
#include <charconv>

namespace eddy::batch {

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

std::vector<LineChunk> split_chunks(std::string_view lines, size_t n) {
  std::vector<LineChunk> chunks;
  const char* base = lines.data();
  size_t size = lines.size(), at = 0;
  for (size_t i = 0; i < n && at < size; ++i) {
    size_t target = i + 1 == n ? size : std::max(at, size * (i + 1) / n);
    if (target < size) {
      const char* nl = line_end(base + target, base + size);
      target = nl ? nl - base + 1 : size;
    }
    if (target > at) {
      LineChunk c;
      c.begin = at;
      c.end = target;
      chunks.push_back(c);
    }
    at = target;
  }
  return chunks;
}

void add_chunk_totals(const std::vector<LineChunk>& chunks, uint64_t* records, uint64_t* skipped,
                      BadLine* first_bad) {
  for (const LineChunk& c : chunks) {
    if (c.bad.offset < first_bad->offset) *first_bad = c.bad;
    *records += c.count;
    *skipped += c.skipped;
  }
}

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

}  // namespace eddy::batch
