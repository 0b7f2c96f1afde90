// Python-compatible JSON strings: the bytes Python 3's json.dumps writes for a str, with its
// defaults (ensure_ascii=True), so batch output is byte-identical to the article's PySpark code.
//
// Input is raw line bytes, decoded as Python does with errors='replace' (each maximal invalid
// UTF-8 subpart becomes one U+FFFD). Escapes: \" \\ \n \r \t \b \f; other characters outside
// ' '..'~' (controls, DEL, non-ASCII) as \uXXXX in lower-case hex, astral characters as a
// surrogate pair. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace eddy::batch {

// Appends `"<escaped utf8>"` to out.
void append_python_json_string(std::string_view utf8, std::string* out);

}  // namespace eddy::batch
