// Hashtag extraction for the `hashtags` pipeline step (docs/stream-windows.md, section Keys).
//
// Two rules:
//  - extract_hashtags: twitter-text's rule (github.com/twitter/twitter-text, Regex.VALID_HASHTAG
//    and Extractor.extractHashtagsWithIndices), checked against its conformance file
//    (tests/data/twitter-text/extract-hashtags.yml). A hashtag is '#' or U+FF03 followed by a run
//    of letters (\p{L}), marks (\p{M}), decimal digits (\p{Nd}), '_' and twitter-text's special
//    characters (ZWJ, ZWNJ, U+00B7, Hebrew maqaf/geresh, ...) that holds at least one letter or
//    mark; the hash mark must not follow a letter, mark, digit, '_' or '&' (U+FE0E/U+FE0F are
//    allowed before it), must not be followed by U+FE0F/U+20E3 (keycap emoji), and the tag must
//    not be followed by another hash mark or "://"; hashtags inside a URL are dropped.
//  - extract_hashtags_naive: the article's Spark code, `text.split(" ")` then `startsWith("#")`.
//
// Input is UTF-8 and may be invalid: a byte that does not start a well-formed sequence counts as
// one character that is not part of any hashtag (like U+FFFD), so nothing crashes or reads past
// the end. Results are views into the caller's text: the caller keeps the text alive while it
// uses them.
//
// Thread-safety: stateless functions; safe from any number of threads. ICU's property lookups
// are read-only tables.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eddy::text {

struct Hashtag {
  std::string_view tag;  // the tag without its '#' or '＃', a view into the input text
  // Indices as twitter-text's conformance file gives them (the hashtag including its hash mark):
  // Unicode code points from the start of the text (Twitter API entity indices), end exclusive.
  // Each invalid UTF-8 byte counts as one code point.
  uint32_t start, end;
};

// Appends the hashtags of `text` by twitter-text rules to *out (does not clear it), in text
// order. No heap allocation other than growth of *out.
void extract_hashtags(std::string_view text, std::vector<Hashtag>* out);

// The article's Spark code exactly: Java's text.split(" ") (single space separator, trailing
// empty strings removed, leading empty strings kept) then keep the words that startsWith("#");
// appends the words as they are (with '#', and any trailing punctuation) to *out.
void extract_hashtags_naive(std::string_view text, std::vector<std::string_view>* out);

// Case folding for the foldCase option: Unicode simple case folding (ICU u_foldCase, default
// mappings), so "ÉCOLE" -> "école", "ΣΊΣΥΦΟΣ" -> "σίσυφοσ". Writes into *out (replaced). Invalid
// UTF-8 bytes are copied through unchanged.
void fold_case(std::string_view tag, std::string* out);

}  // namespace eddy::text
