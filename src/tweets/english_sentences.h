// English sentence templates of the tweet generator: the sentences behind its sentiment mix
// (neutral, positive, negative, very positive, very negative as VADER scores them), written
// into a TweetText with draws from the generator's Rng. The order of draws is part of the
// generator's output (tweet_generator.h: same options, same bytes).
// Ownership: holds references to the generator's Rng and TweetText, which outlive it.
// Thread-safety: none (the generator's thread).
#pragma once

#include <span>
#include <string_view>

#include "tweets/tweet_sampling.h"
#include "tweets/tweet_text.h"
#include "tweets/tweet_vocabulary.h"

namespace eddy::tweets::synth {

struct EnglishSentences {
  Rng& rng;
  TweetText& text;

  template <typename T>
  std::string_view pick(std::span<const T> s) {
    return rng.pick(s);
  }
  // End of a mild sentence: at most one '!', which VADER counts as +0.292 of emphasis.
  void mild_end();
  void strong_end();
  // A word of a VERY_* tweet, now and then in capitals (VADER's ALL-CAPS emphasis).
  void shouted(std::string_view w);
  // "X is [booster] word" + end. The budget of a mild tweet is one booster or one '!'.
  void thing_is(std::string_view copula, vocab::Words words);
  // A sentence without sentiment words; `last` allows it to end without punctuation.
  void neutral_clause(bool last);
  // POSITIVE: compound in [0.05, 0.6).
  void positive_clause();
  // NEGATIVE: compound in (-0.6, -0.05].
  void negative_clause();
  // VERY_POSITIVE: compound >= 0.6 — strong words, boosters, "!!!", sometimes capitals.
  void very_positive_clause();
  // VERY_NEGATIVE: compound <= -0.6.
  void very_negative_clause();
};

}  // namespace eddy::tweets::synth
