// Parsing of the VADER lexicon files; see vader_lexicon.h.
#include "text/vader_lexicon.h"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>

#include "text/vader_unicode.h"

namespace eddy::text::vader {
namespace {

// Python's str.strip(): removes Python whitespace from both ends.
std::string_view python_strip(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e) {
    size_t len;
    if (!is_python_space(decode_utf8(s, b, &len))) break;
    b += len;
  }
  while (e > b) {
    // Walk back to the start of the last code point.
    size_t start = e - 1;
    while (start > b && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    size_t len;
    if (!is_python_space(decode_utf8(s, start, &len)) || start + len != e) break;
    e = start;
  }
  return s.substr(b, e - b);
}

// Calls fn(line_number, line) for each line of `text` as the original splits it:
// text.rstrip('\n').split('\n').
template <typename Fn>
Status for_each_line(std::string_view text, Fn&& fn) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  size_t line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    ++line_no;
    EDDY_RETURN_IF_ERROR(fn(line_no, text.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  return Status::ok();
}

// The first two tab-separated fields of a stripped line; false if there is no tab.
bool two_fields(std::string_view line, std::string_view* a, std::string_view* b) {
  const size_t t1 = line.find('\t');
  if (t1 == std::string_view::npos) return false;
  *a = line.substr(0, t1);
  const size_t t2 = line.find('\t', t1 + 1);
  *b = line.substr(t1 + 1, t2 == std::string_view::npos ? std::string_view::npos : t2 - t1 - 1);
  return true;
}

}  // namespace

Result<ValenceMap> parse_valence_lexicon(std::string_view text, std::string_view origin) {
  ValenceMap map;
  map.reserve(8192);
  Status st = for_each_line(text, [&](size_t line_no, std::string_view raw) -> Status {
    if (raw.empty()) return Status::ok();
    std::string_view word, measure;
    const std::string_view line = python_strip(raw);
    if (!two_fields(line, &word, &measure)) {
      return invalid_argument(std::string(origin) + ":" + std::to_string(line_no) +
                              ": expected 'token<TAB>valence<TAB>...', got no tab");
    }
    measure = python_strip(measure);
    double v = 0;
    auto [end, ec] = std::from_chars(measure.data(), measure.data() + measure.size(), v);
    if (ec != std::errc() || end != measure.data() + measure.size()) {
      return invalid_argument(std::string(origin) + ":" + std::to_string(line_no) +
                              ": valence of '" + std::string(word) + "' is not a number: '" +
                              std::string(measure) + "'");
    }
    map.insert_or_assign(std::string(word), v);
    return Status::ok();
  });
  if (!st.is_ok()) return st;
  if (map.empty()) return invalid_argument(std::string(origin) + ": lexicon has no entries");
  return map;
}

Result<EmojiMap> parse_emoji_lexicon(std::string_view text, std::string_view origin) {
  EmojiMap map;
  map.reserve(2048);
  Status st = for_each_line(text, [&](size_t line_no, std::string_view raw) -> Status {
    std::string_view emoji, description;
    const std::string_view line = python_strip(raw);
    if (line.empty()) return Status::ok();  // the original would raise; a blank line is harmless
    if (!two_fields(line, &emoji, &description)) {
      return invalid_argument(std::string(origin) + ":" + std::to_string(line_no) +
                              ": expected 'emoji<TAB>description', got no tab");
    }
    size_t len = 0;
    if (emoji.empty()) return Status::ok();
    const char32_t cp = decode_utf8(emoji, 0, &len);
    if (len != emoji.size()) return Status::ok();  // unreachable in the original; see header
    map.insert_or_assign(cp, std::string(description));
    return Status::ok();
  });
  if (!st.is_ok()) return st;
  return map;
}

Result<std::string> read_lexicon_file(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    const int err = errno;
    if (err == ENOENT) return not_found(path + ": no such lexicon file");
    return io_error(path + ": cannot open: " + std::strerror(err));
  }
  std::string out;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) out.append(buf, n);
  if (std::ferror(f.get())) return io_error(path + ": read failed");
  return out;
}

}  // namespace eddy::text::vader
