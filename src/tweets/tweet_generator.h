// TweetGenerator: a deterministic source of realistic synthetic tweets, one JSON object per
// call, for demos, tests and benchmarks (`eddy gen tweets`, the gen:tweets source).
//
// What the output looks like:
// - kV1 is the Twitter API v1.1 status object, trimmed to what consumers read so that a line
//   is ~475 bytes: created_at, id, id_str, text, in_reply_to_* (replies only), user{id, id_str,
//   name, screen_name, followers_count, verified when true}, entities{hashtags, urls,
//   user_mentions}, lang, and timestamp_ms as a string of epoch milliseconds (as the API
//   sends it). kV2 is the v2 filtered-stream envelope {"data": {id, text, created_at, lang,
//   author_id, edit_history_tweet_ids, entities}}; as in the real v2 API, `entities` and each
//   of its arrays are present only when non-empty.
// - Entity indices count Unicode code points of `text` (what the v1.1 and v2 APIs do), end
//   exclusive, and agree with the twitter-text extraction rules (text::extract_hashtags).
// - About 55% English, the rest es, pt, fr, de, ja, ar, ru, ko, tr, hi and und, each in its
//   own script. English text carries VADER-scorable sentiment (mostly neutral, then negative,
//   then positive, a few very positive/negative, a few with nothing to score).
// - Hashtags are Zipf-distributed over thousands of tags, plus bursts of trending topics that
//   rise and fall over tens of minutes of EVENT time; the burst schedule depends only on the
//   seed and the event time, not on the rate or the count.
// - Event times are start + i/rate plus jitter, never decreasing.
// - Same options, same bytes, on any platform: the PRNG (xoshiro256**) and every sampling
//   step are written here with integer arithmetic or exactly-rounded IEEE operations.
//
// Ownership: a generator owns its state (a few hundred KB of tables). Movable, not copyable.
// Thread-safety: none; use one generator per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/clock.h"

namespace eddy::tweets {

enum class TweetFormat { kV1, kV2 };

struct TweetGeneratorOptions {
  uint64_t seed = 42;
  uint64_t count = 1000;                  // tweets to produce
  double rate = 100;                      // tweets per second of event time; must be > 0
  Micros start = 1767225600LL * 1000000;  // 2026-01-01T00:00:00Z
  TweetFormat format = TweetFormat::kV1;
};

class TweetGenerator {
 public:
  explicit TweetGenerator(const TweetGeneratorOptions& options);
  ~TweetGenerator();
  TweetGenerator(TweetGenerator&&) noexcept;
  TweetGenerator& operator=(TweetGenerator&&) noexcept;

  // Replaces *line with the next tweet as one JSON object (no trailing newline). Returns false,
  // leaving *line untouched, once `count` tweets have been produced.
  bool next(std::string* line);

  // Tweets produced so far.
  uint64_t produced() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace eddy::tweets
