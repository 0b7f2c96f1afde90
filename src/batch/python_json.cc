#include "batch/python_json.h"

#include <array>
#include <cstdint>

namespace eddy::batch {
namespace {

constexpr const std::array<bool, 256>& kPlain = kPythonJsonPlain;

char* write_u(uint32_t cp, char* p) {
  static const char kHex[] = "0123456789abcdef";
  p[0] = '\\';
  p[1] = 'u';
  p[2] = kHex[(cp >> 12) & 15];
  p[3] = kHex[(cp >> 8) & 15];
  p[4] = kHex[(cp >> 4) & 15];
  p[5] = kHex[cp & 15];
  return p + 6;
}

char* write_code_point(uint32_t cp, char* p) {
  if (cp < 0x10000) return write_u(cp, p);
  cp -= 0x10000;
  p = write_u(0xD800 + (cp >> 10), p);
  return write_u(0xDC00 + (cp & 0x3FF), p);
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

char* write_python_json_escaped(std::string_view s, char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0, n = s.size();
  while (i < n) {
    const unsigned char c = b[i];
    if (kPlain[c]) {
      *p++ = static_cast<char>(c);
      ++i;
      continue;
    }
    if (c >= 0x80) {
      p = write_code_point(decode_one(s, i), p);
      continue;
    }
    char e = 0;
    switch (c) {
      case '"':
        e = '"';
        break;
      case '\\':
        e = '\\';
        break;
      case '\n':
        e = 'n';
        break;
      case '\r':
        e = 'r';
        break;
      case '\t':
        e = 't';
        break;
      case '\b':
        e = 'b';
        break;
      case '\f':
        e = 'f';
        break;
      default:
        break;
    }
    if (e) {
      *p++ = '\\';
      *p++ = e;
    } else {
      p = write_u(c, p);
    }
    ++i;
  }
  return p;
}

void append_python_json_string(std::string_view utf8, std::string* out) {
  const size_t at = out->size();
  out->resize(at + python_json_bound(utf8.size()));
  char* p = out->data() + at;
  *p++ = '"';
  p = write_python_json_escaped(utf8, p);
  *p++ = '"';
  out->resize(p - out->data());
}

}  // namespace eddy::batch
