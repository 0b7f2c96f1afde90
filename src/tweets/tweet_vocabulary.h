// Word lists behind TweetGenerator: per-language sentences, English sentence parts that carry
// (or deliberately avoid) VADER sentiment, hashtags, names, emoji and link targets.
//
// The English neutral parts contain no word of the VADER lexicon, so a neutral template scores
// exactly 0 and the sentiment mix is decided by the templates that add sentiment words. The
// other languages are short natural sentences, enough for a language identifier (CLD2) to
// recognise the language of a tweet made of one or two of them. Hashtags never form a lexicon
// word once VADER strips the '#'.
//
// Ownership: all data is static and immutable (string literals). Thread-safety: read-only.
#pragma once

#include <span>
#include <string_view>

namespace eddy::tweets::vocab {

using Words = std::span<const std::string_view>;

// One non-English language (or "und"): everything a tweet in it is made of.
struct LanguageVocabulary {
  std::string_view lang;    // the Twitter `lang` code
  Words sentences;          // whole sentences, terminal punctuation included where natural
  Words hashtags;           // local hashtags (without '#'), e.g. "東京"
  Words names;              // display names in the language's script
  std::string_view joiner;  // between two sentences: " ", or "" for Japanese
};

// Non-English languages in a fixed order (es, pt, fr, de, ja, ar, ru, ko, tr, hi, und).
std::span<const LanguageVocabulary> other_languages();

// English building blocks (see tweet_generator.cc for how they combine).
struct EnglishVocabulary {
  Words things;             // "the new phone": subjects of opinions (sentiment-free)
  Words events;             // "game", "concert": nouns after "What a ..."
  Words positive;           // mild positive adjectives ("good", "nice")
  Words negative;           // mild negative adjectives ("bad", "boring")
  Words strong_positive;    // the strongest ("amazing", "awesome")
  Words strong_negative;    // ("horrible", "disgusting")
  Words positive_verbs;     // "like", "enjoy" ("love" is kept for the VERY_POSITIVE tweets)
  Words negative_verbs;     // "hate", "dislike"
  Words boosters;           // VADER boosters: "very ", "extremely " (trailing space included)
  Words dampeners;          // "kind of ", "slightly "
  Words negated_copulas;    // "is not", "isn't", "was never"
  Words place_actions;      // "heading to": followed by a place
  Words places;             // "the office"
  Words topic_actions;      // "working on": followed by a topic
  Words topics;             // "the budget"
  Words neutral_times;      // "", " tonight", " this morning"
  Words neutral_sentences;  // whole sentences without sentiment words
  Words names;              // display names, Latin script
};
const EnglishVocabulary& english();

// Hashtags (without '#') that look like real ones; the generator adds thousands of
// combinatorial ones built from the two lists below.
Words real_hashtags();
Words hashtag_prefixes();
Words hashtag_suffixes();

// Screen-name parts: ASCII letters, digits, '_' only.
Words handle_words();

// Emoji by the VADER valence of their name ("face with tears of joy" is positive, "fire"
// negative); mild and neutral ones have names outside the lexicon.
Words mild_positive_emoji();
Words mild_negative_emoji();
Words strong_positive_emoji();
Words strong_negative_emoji();
Words neutral_emoji();

// Link targets: (expanded URL, display URL) pairs, display ending in "…" when shortened.
struct Link {
  std::string_view expanded;
  std::string_view display;
};
std::span<const Link> links();

}  // namespace eddy::tweets::vocab
