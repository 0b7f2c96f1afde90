#include "batch/python_json.h"

#include <array>
#include <cstdint>

namespace eddy::batch {
namespace {

// true for bytes json.dumps copies as they are: ' '..'~' except '"' and '\\'.
constexpr std::array<bool, 256> make_plain() {
  std::array<bool, 256> t{};
  for (int c = 0x20; c <= 0x7e; ++c) t[c] = c != '"' && c != '\\';
  return t;
}
constexpr std::array<bool, 256> kPlain = make_plain();

void append_u(uint32_t cp, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  char b[6] = {'\\',         'u', kHex[(cp >> 12) & 15], kHex[(cp >> 8) & 15], kHex[(cp >> 4) & 15],
               kHex[cp & 15]};
  out->append(b, 6);
}

void append_code_point(uint32_t cp, std::string* out) {
  if (cp >= 0x10000) {
    cp -= 0x10000;
    append_u(0xD800 + (cp >> 10), out);
    append_u(0xDC00 + (cp & 0x3FF), out);
  } else {
    append_u(cp, out);
  }
}

inline bool cont(unsigned char c) { return (c & 0xC0) == 0x80; }

// Decodes one UTF-8 sequence at s[i] (s[i] >= 0x80) as Python's 'replace' handler does:
// returns the code point (0xFFFD for an invalid maximal subpart) and advances i.
uint32_t decode_one(std::string_view s, size_t& i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  unsigned char c = p[i];
  int need;
  uint32_t cp;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    cp = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    cp = c & 0x07;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    ++i;
    return 0xFFFD;
  }
  size_t j = i + 1;
  for (int k = 0; k < need; ++k, ++j) {
    if (j >= n) {
      i = j;
      return 0xFFFD;
    }
    unsigned char d = p[j];
    bool ok = k == 0 ? (d >= lo && d <= hi) : cont(d);
    if (!ok) {
      i = j;  // the maximal subpart ends before d; d is decoded on its own
      return 0xFFFD;
    }
    cp = (cp << 6) | (d & 0x3F);
  }
  i = j;
  return cp;
}

}  // namespace

void append_python_json_string(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t i = 0, n = s.size();
  while (i < n) {
    size_t run = i;
    while (run < n && kPlain[static_cast<unsigned char>(s[run])]) ++run;
    if (run > i) out->append(s.data() + i, run - i);
    i = run;
    if (i >= n) break;
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out->append("\\\"");
          break;
        case '\\':
          out->append("\\\\");
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\r':
          out->append("\\r");
          break;
        case '\t':
          out->append("\\t");
          break;
        case '\b':
          out->append("\\b");
          break;
        case '\f':
          out->append("\\f");
          break;
        default:
          append_u(c, out);
      }
      ++i;
    } else {
      append_code_point(decode_one(s, i), out);
    }
  }
  out->push_back('"');
}

}  // namespace eddy::batch
