// The few pieces of Python's str semantics that VADER's exact behaviour depends on, on UTF-8
// bytes: code point iteration, str.split()'s whitespace set, len() in code points,
// str.lower() and str.isupper(). The original vaderSentiment runs on Python 3 str objects, so
// a byte-oriented port that used ASCII rules would tokenise "caf\u00e9!" or a non-breaking
// space differently and drift from the reference on real tweets.
//
// Case mapping of non-ASCII letters uses glibc's Unicode tables (towlower/iswupper in the
// C.UTF-8 locale); Python's one-to-many mappings ("\u0130".lower() is two code points) and the
// final-sigma rule are not reproduced: no VADER lexicon key can be reached through them.
// Invalid UTF-8 bytes are treated as one code point each (U+FFFD-like, uncased, not space).
//
// Thread-safety: stateless functions; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace eddy::text::vader {

// Decodes the code point starting at s[i]; sets *len to its byte length (1 for invalid
// bytes, which decode to 0xFFFD).
char32_t decode_utf8(std::string_view s, size_t i, size_t* len);

// Python's str.isspace() for one code point (what str.split() and str.strip() split on).
bool is_python_space(char32_t cp);

// Number of code points (Python's len()) of a UTF-8 string.
size_t code_point_length(std::string_view s);

// Appends Python's s.lower() to `out`.
void append_python_lower(std::string_view s, std::string& out);

// Python's s.isupper(): at least one cased character and no lowercase or titlecase one.
bool python_isupper(std::string_view s);

// True if the code point is a letter (Python's str.isalpha() for one character).
bool is_letter(char32_t cp);

}  // namespace eddy::text::vader
