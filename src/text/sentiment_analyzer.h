// SentimentAnalyzer: VADER sentiment scores (Hutto & Gilbert, ICWSM 2014) exactly as the
// original Python implementation, vaderSentiment 3.3.2, computes them, plus the five-class
// tweet classification of the sentiment stream job (thresholds in docs/sentiment.md).
//
// "Exactly" includes the original's quirks, which are kept on purpose so that Eddy's scores
// can be compared one to one with published VADER results:
//   - tokens are whitespace-split and stripped of ASCII punctuation only when at least three
//     characters remain ("ok!" stays "ok!" and misses the lexicon entry "ok");
//   - emoji are replaced by their description one code point at a time (multi-code-point
//     emoji keep their trailing modifiers glued to the description);
//   - idioms (SPECIAL_CASES) are only checked for words with three preceding tokens, and the
//     one-word key "badass" never matches; SENTIMENT_LADEN_IDIOMS is unused, as in 3.3.2;
//   - 'but' re-weighting finds each score by value (list.index), so a repeated score can be
//     re-weighted twice and another left alone.
// The deviations of the npm port vader-sentiment from the original are listed, with reasons,
// in sentiment_parity_test.cc and tests/sentiment/README.md.
//
// Ownership: an analyzer owns its lexicons (about 1.5 MB); create one per process and share it.
// Thread-safety: immutable after create(); polarity_scores() and classify() are const and may
// be called from any number of threads at once (scratch buffers are thread_local).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/status.h"
#include "text/vader_lexicon.h"

namespace eddy::text {

// VADER's output: neg/neu/pos proportions rounded to 3 decimals, compound in [-1, 1] rounded
// to 4 decimals (Python's round(), half-even on the exact binary value).
struct SentimentScores {
  double neg = 0;
  double neu = 0;
  double pos = 0;
  double compound = 0;
};

// Classes of the article's sentiment job. Mapping from compound (see docs/sentiment.md):
//   VERY_NEGATIVE  compound <= -0.6
//   NEGATIVE       -0.6 < compound <= -0.05
//   NEUTRAL        -0.05 < compound < 0.05      (VADER's documented neutral band)
//   POSITIVE       0.05 <= compound < 0.6
//   VERY_POSITIVE  0.6 <= compound
//   NOT_UNDERSTOOD nothing to score: no letter (after URLs, @mentions and '#' marks are
//                  removed and emoji replaced by their names) and no scored emoticon.
enum class SentimentClass : uint8_t {
  kNotUnderstood,
  kVeryNegative,
  kNegative,
  kNeutral,
  kPositive,
  kVeryPositive,
};

// "NOT_UNDERSTOOD", "VERY_NEGATIVE", "NEGATIVE", "NEUTRAL", "POSITIVE", "VERY_POSITIVE".
std::string_view sentiment_class_name(SentimentClass c);

inline constexpr double kVeryNegativeMax = -0.6;  // compound <= this: VERY_NEGATIVE
inline constexpr double kNegativeMax = -0.05;     // compound <= this: NEGATIVE
inline constexpr double kPositiveMin = 0.05;      // compound >= this: POSITIVE
inline constexpr double kVeryPositiveMin = 0.6;   // compound >= this: VERY_POSITIVE

// The class of a compound score of text that has something to score.
SentimentClass sentiment_class_of(double compound);

// Writes `tweet_text` to `out` without URLs (http://, https://, www. up to the next space),
// @mentions and the '#' of hashtags (the tag's word stays: "#happy" scores as "happy").
void strip_tweet_markup(std::string_view tweet_text, std::string& out);

class SentimentAnalyzer {
 public:
  // Empty paths select the lexicons built into the binary (data/vader/). Errors: kNotFound for
  // a missing file, kInvalidArgument for a malformed one (with file and line).
  static Result<std::unique_ptr<SentimentAnalyzer>> create(
      const std::string& lexicon_path = "", const std::string& emoji_lexicon_path = "");

  // VADER 3.3.2's polarity_scores(text) for UTF-8 text.
  SentimentScores polarity_scores(std::string_view text) const;

  // Strips URLs, @mentions and '#' marks, then scores the rest; kNotUnderstood when nothing
  // is left to score, else sentiment_class_of(compound).
  SentimentClass classify(std::string_view tweet_text) const;
  // As classify(), also returning the scores of the cleaned text.
  SentimentClass classify(std::string_view tweet_text, SentimentScores* scores) const;

  // Everything the analyzer knows about one lowercase token (one hash lookup per token).
  // Public only so the implementation's helpers can name it.
  struct WordInfo {
    double valence = 0;    // lexicon valence when in_lexicon
    double booster = 0;    // BOOSTER_DICT scalar when is_booster
    uint16_t word_id = 0;  // nonzero for words the rules name ("no", "but", idiom words...)
    bool in_lexicon = false;
    bool is_booster = false;
    bool is_negation = false;  // in NEGATE (the "n't" rule is checked per token)
  };

 private:
  SentimentAnalyzer() = default;
  void add_rule_words();
  // Scores `text`; *has_letter tells whether the emoji-expanded text holds any letter.
  SentimentScores score(std::string_view text, bool* has_letter) const;

  // Invariant: filled once in create(), never modified afterwards.
  absl::flat_hash_map<std::string, WordInfo> words_;
  vader::EmojiMap emoji_;
  // SPECIAL_CASES keys as word-id sequences (ids of words_), with their valence.
  struct SpecialCase {
    std::vector<uint16_t> ids;
    double valence;
  };
  std::vector<SpecialCase> special_cases_;
  // Two-word BOOSTER_DICT keys ("kind of", "sort of", "just enough") as word-id pairs.
  struct BoosterPair {
    uint16_t first, second;
    double scalar;
  };
  std::vector<BoosterPair> booster_pairs_;
  uint16_t next_word_id_ = 1;

  friend class SentimentScorer;
};

}  // namespace eddy::text
