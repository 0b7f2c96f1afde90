// Loading of the two VADER lexicons (vaderSentiment 3.3.2's file formats):
//   vader_lexicon.txt       token TAB mean-valence TAB std TAB ratings   (one per line)
//   emoji_utf8_lexicon.txt  emoji TAB English description                (one per line)
// Both are also compiled into the eddy binary (data/vader/, embedded at build time by
// vader_embedded_lexicons.cc), so the analyzer works without data files at run time.
//
// The parsers follow the original's make_lex_dict/make_emoji_dict: lines are stripped of
// surrounding whitespace and split on tabs, later lines override earlier ones, and empty lines
// are skipped. The emoji table keeps only single-code-point keys: the original replaces emoji
// while iterating the text one code point at a time, so multi-code-point keys (flags, skin-tone
// and ZWJ sequences) can never match there, and they cannot match here either.
//
// Ownership: functions return values the caller owns. Thread-safety: stateless functions.
#pragma once

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "common/status.h"

namespace eddy::text::vader {

using ValenceMap = absl::flat_hash_map<std::string, double>;
using EmojiMap = absl::flat_hash_map<char32_t, std::string>;

// Parses a vader_lexicon.txt body. `origin` names the source in error messages.
Result<ValenceMap> parse_valence_lexicon(std::string_view text, std::string_view origin);

// Parses an emoji_utf8_lexicon.txt body.
Result<EmojiMap> parse_emoji_lexicon(std::string_view text, std::string_view origin);

// The lexicons shipped in data/vader/, as compiled into the binary.
std::string_view embedded_valence_lexicon();
std::string_view embedded_emoji_lexicon();

// Reads a whole file; kNotFound if it does not exist, kIoError on other failures.
Result<std::string> read_lexicon_file(const std::string& path);

}  // namespace eddy::text::vader
