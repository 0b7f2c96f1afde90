// Python str semantics on UTF-8 bytes; see vader_unicode.h.
#include "text/vader_unicode.h"
#include "common/utf8.h"

#include <locale.h>
#include <wctype.h>

namespace eddy::text::vader {
namespace {

// glibc's C.UTF-8 locale carries the full Unicode case tables; created once (thread-safe
// static init) and only read afterwards. Null if the C library has no such locale, in which
// case non-ASCII characters are treated as uncased.
locale_t unicode_locale() {
  static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return loc;
}

}  // namespace

char32_t decode_utf8(std::string_view s, size_t i, size_t* len) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    *len = 1;
    return b0;
  }
  size_t n;
  char32_t cp;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    cp = b0 & 0x07;
  } else {
    *len = 1;
    return 0xFFFD;
  }
  if (i + n > s.size()) {
    *len = 1;
    return 0xFFFD;
  }
  for (size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      *len = 1;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  // Overlong 3/4-byte forms, surrogates and values past U+10FFFF are invalid.
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    *len = 1;
    return 0xFFFD;
  }
  *len = n;
  return cp;
}

bool is_python_space(char32_t cp) {
  // CPython's _PyUnicode_IsWhitespace: bidirectional types WS, B, S plus category Zs.
  switch (cp) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x1C:
    case 0x1D:
    case 0x1E:
    case 0x1F:
    case 0x20:
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

size_t code_point_length(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    size_t len;
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      len = 1;
    } else {
      decode_utf8(s, i, &len);
    }
    i += len;
    ++n;
  }
  return n;
}

void append_python_lower(std::string_view s, std::string& out) {
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + 32 : b));
      ++i;
      continue;
    }
    size_t len;
    const char32_t cp = decode_utf8(s, i, &len);
    const locale_t loc = unicode_locale();
    if (cp == 0xFFFD || loc == static_cast<locale_t>(0)) {
      out.append(s.substr(i, len));  // keep invalid bytes as they were
    } else {
      append_utf8(static_cast<char32_t>(towlower_l(static_cast<wint_t>(cp), loc)), &out);
    }
    i += len;
  }
}

bool python_isupper(std::string_view s) {
  bool cased = false;
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (b >= 'a' && b <= 'z') return false;
      if (b >= 'A' && b <= 'Z') cased = true;
      ++i;
      continue;
    }
    size_t len;
    const char32_t cp = decode_utf8(s, i, &len);
    i += len;
    const locale_t loc = unicode_locale();
    if (cp == 0xFFFD || loc == static_cast<locale_t>(0)) continue;
    const auto wc = static_cast<wint_t>(cp);
    if (iswlower_l(wc, loc)) return false;
    if (iswupper_l(wc, loc)) {
      // Titlecase letters (U+01C5 ...) are "upper" to glibc but make Python's isupper() false.
      if (towlower_l(wc, loc) != wc && towupper_l(wc, loc) != wc) return false;
      cased = true;
    }
  }
  return cased;
}

bool is_letter(char32_t cp) {
  if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  const locale_t loc = unicode_locale();
  return cp != 0xFFFD && loc != static_cast<locale_t>(0) &&
         iswalpha_l(static_cast<wint_t>(cp), loc);
}

}  // namespace eddy::text::vader
