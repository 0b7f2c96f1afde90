// Python-compatible JSON strings: the bytes Python 3's json.dumps writes for a str, with its
// defaults (ensure_ascii=True), so batch output is byte-identical to the article's PySpark code.
//
// Input is raw line bytes, decoded as Python does with errors='replace' (each maximal invalid
// UTF-8 subpart becomes one U+FFFD). Escapes: \" \\ \n \r \t \b \f; other characters outside
// ' '..'~' (controls, DEL, non-ASCII) as \uXXXX in lower-case hex, astral characters as a
// surrogate pair. Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace eddy::batch {

namespace detail {
constexpr std::array<bool, 256> make_python_json_plain() {
  std::array<bool, 256> t{};
  for (int c = 0x20; c <= 0x7e; ++c) t[c] = c != '"' && c != '\\';
  return t;
}
}  // namespace detail

// True for the bytes json.dumps copies as they are: ' '..'~' except '"' and '\\'.
inline constexpr std::array<bool, 256> kPythonJsonPlain = detail::make_python_json_plain();

// The most bytes a quoted string of n input bytes can take: 6 per byte (an invalid byte or a
// control becomes \uXXXX; a 4-byte character a 12-byte surrogate pair) and the two quotes.
constexpr size_t python_json_bound(size_t n) { return 6 * n + 2; }

// Writes the escaped characters of utf8 (no quotes) at p, which has room for
// python_json_bound(utf8.size()) bytes; returns the end. The raw form for hot loops.
char* write_python_json_escaped(std::string_view utf8, char* p);

// Appends `"<escaped utf8>"` to out.
void append_python_json_string(std::string_view utf8, std::string* out);

}  // namespace eddy::batch
