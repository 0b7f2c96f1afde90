// TweetDecoder: the front of the tweet stream jobs — parses one tweet JSON line (Twitter API
// v1.1 or v2), keeps those in the wanted language, takes the event time, and turns the text
// into keys: hashtags (twitter-text rules or the article's naive split) or a sentiment class.
//
// Parsing is simdjson On-Demand: only `lang`, the time field and `text` are read, in place,
// with no allocation per line. Validation is as deep as those reads plus a check that the
// line ends its object; a line that fails is skipped with a SkipReason (never fatal).
// When `lang` and the time field are among the line's last members (as the streaming APIs
// write tweets), they are read backwards from its end first (tweets/json_tail.h). A tweet
// in another language is then filtered without being parsed — only its UTF-8 is checked — and
// a kept one is parsed forward only up to `text` instead of stepping over `user` and
// `entities` to reach `lang` (together ~25% of a one-thread job, bench/RESULTS.md). So broken
// JSON between `text` and the tail goes unnoticed: such a line of another language counts as
// filtered, not skipped, and such a kept line gives exactly the intact tweet's record — the
// contract was always "validated as far as the fields the job reads". Lines of any other
// shape are parsed forward only.
// Ownership: a decoder owns its parser; the sentiment analyzer is borrowed (shared, const).
// Thread-safety: one decoder per thread (RecordDecoder contract); the factory is shared.
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "engine/record_decoder.h"

namespace eddy::text {
class SentimentAnalyzer;
}

namespace eddy::tweets {

enum class TweetKeys { kHashtagsTwitter, kHashtagsNaive, kSentiment };
enum class TweetInputFormat { kAuto, kV1, kV2 };

struct TweetDecoderOptions {
  std::string lang = "en";       // keep only this `lang`; empty keeps every tweet
  bool detect_language = false;  // take the language from the text (CLD2), not `lang`
  TweetKeys keys = TweetKeys::kHashtagsTwitter;
  bool fold_case = false;                             // hashtags keyed in lower case
  TweetInputFormat format = TweetInputFormat::kAuto;  // auto: v2 if the line is {"data": ...}
  std::string time_field;                             // empty: timestamp_ms, else created_at
  bool read_time = true;                              // false in processing-time mode
  Micros min_time = 0;  // records outside [min_time, max_time] are skipped
  Micros max_time = INT64_MAX;
  const text::SentimentAnalyzer* sentiment = nullptr;  // required for kSentiment
  // Read `lang` and the time field from the end of the line when they are among its last
  // members (tweets/json_tail.h); false always parses forward (tests compare the two).
  bool tail_scan = true;
};

class TweetDecoderFactory final : public engine::DecoderFactory {
 public:
  explicit TweetDecoderFactory(TweetDecoderOptions options) : options_(std::move(options)) {}
  std::unique_ptr<engine::RecordDecoder> create() const override;

 private:
  TweetDecoderOptions options_;
};

// Twitter's first tweet (2006-03-21): the default lower bound of plausible tweet times.
inline constexpr Micros kFirstTweetTime = 1142899200LL * 1000000;

}  // namespace eddy::tweets
