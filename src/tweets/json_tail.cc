#include "tweets/json_tail.h"

#include <cstdint>
#include <cstring>

namespace eddy::tweets {
namespace {
// Bytes equal to c in w, as 0x80 in that byte (exact: no carry crosses bytes).
uint64_t bytes_equal(uint64_t w, char c) {
  const uint64_t v = w ^ (0x0101010101010101ULL * static_cast<uint8_t>(c));
  constexpr uint64_t k7f = 0x7f7f7f7f7f7f7f7fULL;
  return ~(((v & k7f) + k7f) | v | k7f);
}

// Index of the last '"' or '\\' in o[lo, hi), or hi if there is none. Eight bytes a step: this
// scan is most of the tail reader's time.
size_t last_quote_or_backslash(std::string_view o, size_t lo, size_t hi) {
  size_t j = hi;
  while (j >= lo + 8) {
    uint64_t w;
    std::memcpy(&w, o.data() + j - 8, 8);  // little-endian: the byte at j - 1 is the top one
    const uint64_t m = bytes_equal(w, '"') | bytes_equal(w, '\\');
    if (m != 0) return j - 8 + (63 - __builtin_clzll(m)) / 8;
    j -= 8;
  }
  while (j > lo) {
    --j;
    if (o[j] == '"' || o[j] == '\\') return j;
  }
  return hi;
}

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_number_char(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}
}  // namespace

size_t scan_json_tail(std::string_view o, TailMember* out, size_t max) {
  if (o.size() < 2 || o.front() != '{' || o.back() != '}') return 0;
  // i: index of the next byte to look at, moving left; o[0] is the object's '{'.
  size_t i = o.size() - 1;
  auto skip_ws = [&] {
    while (i > 0 && is_ws(o[i - 1])) --i;
  };
  // Reads the string whose closing quote is o[i - 1]; false if it holds a backslash or does
  // not start inside the object.
  auto read_string = [&](std::string_view* s) {
    const size_t close = i - 1;
    // The opening quote lies after the object's '{' (index 0).
    const size_t open = last_quote_or_backslash(o, 1, close);
    if (open == close || o[open] == '\\') return false;
    *s = o.substr(open + 1, close - open - 1);
    i = open;  // the next byte to look at is the one before the opening quote
    return true;
  };
  size_t n = 0;
  while (n < max) {
    TailMember m;
    skip_ws();
    if (i <= 1) break;
    if (o[i - 1] == '"') {
      if (!read_string(&m.value)) break;
      m.is_string = true;
    } else if (is_number_char(o[i - 1])) {
      size_t end = i;
      while (i > 1 && is_number_char(o[i - 1])) --i;
      m.value = o.substr(i, end - i);
    } else {
      break;
    }
    skip_ws();
    if (i <= 1 || o[i - 1] != ':') break;
    --i;
    skip_ws();
    if (i <= 1 || o[i - 1] != '"' || !read_string(&m.key)) break;
    skip_ws();
    if (i == 0) break;
    const char before = o[i - 1];
    if (before == '{' && i - 1 == 0) {  // the object's first member
      out[n++] = m;
      break;
    }
    if (before != ',') break;
    --i;
    out[n++] = m;
  }
  return n;
}

}  // namespace eddy::tweets
