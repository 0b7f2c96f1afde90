// LanguageDetector: the language of a piece of UTF-8 text, for sources that carry no `lang`
// field (Mastodon, Bluesky, plain text). Wraps CLD2 (Compact Language Detector 2, Debian's
// libcld2), which scores quadgrams of letters against per-language tables built into the
// library: no model files, no allocation per call, about a microsecond per tweet.
//
// Results are ISO 639-1 codes ("en", "fr", ...) as CLD2 names them; a few languages without a
// two-letter code get CLD2's other code (e.g. "haw", "zh-Hant" for traditional Chinese).
// "und" (undetermined) when CLD2 finds no language, e.g. for text without letters.
// Short texts are hard: CLD2 sets *reliable to false when its margin is thin; callers that
// filter on language may treat unreliable answers as "und". Accuracy on the multilingual
// samples of language_detector_test.cc is reported in docs/sentiment.md.
//
// Thread-safety: stateless; safe from any number of threads (CLD2's tables are read-only).
#pragma once

#include <string_view>

namespace eddy::text {

class LanguageDetector {
 public:
  // The language of `utf8_text`; invalid UTF-8 yields "und". `reliable`, if given, receives
  // CLD2's is_reliable flag (false whenever the answer is "und").
  static std::string_view detect(std::string_view utf8_text, bool* reliable = nullptr);
};

}  // namespace eddy::text
