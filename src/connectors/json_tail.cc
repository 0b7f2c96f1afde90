#include "connectors/json_tail.h"

namespace eddy::connectors {
namespace {
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
    size_t close = i - 1, j = close;
    while (j > 1 && o[j - 1] != '"') {
      if (o[j - 1] == '\\') return false;
      --j;
    }
    if (j <= 1) return false;  // the opening quote would be the object's '{' or before it
    *s = o.substr(j, close - j);
    i = j - 1;  // at the opening quote
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

}  // namespace eddy::connectors
