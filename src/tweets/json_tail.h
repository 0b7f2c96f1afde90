// JSON tail scan: the last members of a one-line JSON object, read backwards from its closing
// brace, without parsing the rest of the line.
//
// Tweets as the streaming APIs deliver them end with their scalar fields `"lang"` and
// `"timestamp_ms"`, after the large `user` and `entities` objects. A job that filters by
// language needs those two first, and a forward parse must step over every token of the
// objects before them to reach them (the biggest cost of a tweet job after tokenizing).
// Read from the end they cost a few dozen bytes. This is the "raw filter before parsing" idea
// of Sparser (Palkar et al., VLDB 2018), made exact: only members of the simplest shape are
// accepted — `"key": "string"` or `"key": number`, no backslash in key or string — so a raw
// byte range means the same as its parsed value, and the scan stops at the first member of
// any other shape (the caller then falls back to a full parse). For valid JSON the members
// found are exactly the object's last members.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace eddy::tweets {

struct TailMember {
  std::string_view key;    // raw bytes between the key's quotes
  std::string_view value;  // a string's raw bytes between its quotes, or a number's text
  bool is_string = false;
};

// `object` runs from its '{' to its '}' (both included). Reads up to `max` members from the
// end into out[0..], the last member first, stopping at the first that is not of the simple
// shape (or at the object's start). Returns how many were read.
size_t scan_json_tail(std::string_view object, TailMember* out, size_t max);

}  // namespace eddy::tweets
