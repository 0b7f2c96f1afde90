// EnglishSentences (english_sentences.h).
#include "tweets/english_sentences.h"

namespace eddy::tweets::synth {

// End of a mild sentence: at most one '!', which VADER counts as +0.292 of emphasis.
void EnglishSentences::mild_end() {
  static constexpr std::string_view kEnds[] = {"", ".", ".", "!"};
  text.add(pick<std::string_view>(kEnds));
}
void EnglishSentences::strong_end() {
  static constexpr std::string_view kEnds[] = {"!", "!!", "!!!", "!!!"};
  text.add(pick<std::string_view>(kEnds));
}
// A word of a VERY_* tweet, now and then in capitals (VADER's ALL-CAPS emphasis).
void EnglishSentences::shouted(std::string_view w) {
  if (rng.chance(200))
    text.add_upper(w);
  else
    text.add(w);
}
// "X is [booster] word" + end. The budget of a mild tweet is one booster or one '!'.
void EnglishSentences::thing_is(std::string_view copula, vocab::Words words) {
  const auto& en = vocab::english();
  text.add_capitalized(pick(en.things));
  text.add(copula);
  if (rng.chance(400)) {
    text.add(pick(en.boosters));
    text.add(pick(words));
    text.add('.');
  } else {
    text.add(pick(words));
    mild_end();
  }
}
// A sentence without sentiment words; `last` allows it to end without punctuation.
void EnglishSentences::neutral_clause(bool last) {
  const auto& en = vocab::english();
  if (rng.chance(600)) {
    bool place = rng.chance(500);
    text.add_capitalized(pick(place ? en.place_actions : en.topic_actions));
    text.add(' ');
    std::string_view object = pick(place ? en.places : en.topics);
    if (rng.chance(30))
      text.add_upper(object);  // "Heading to THE AIRPORT": no valence
    else
      text.add(object);
    text.add(pick(en.neutral_times));
    static constexpr std::string_view kEnds[] = {".", "", "", "...", "."};
    static constexpr std::string_view kInnerEnds[] = {".", "...", "."};
    text.add(last ? pick<std::string_view>(kEnds) : pick<std::string_view>(kInnerEnds));
  } else {
    text.add(pick(en.neutral_sentences));
  }
}
// POSITIVE: compound in [0.05, 0.6).
void EnglishSentences::positive_clause() {
  const auto& en = vocab::english();
  switch (rng.below(6)) {
    case 0:
      thing_is(" is ", en.positive);
      break;
    case 1:
      text.add("I ");
      text.add(pick(en.positive_verbs));
      text.add(' ');
      text.add(pick(en.things));
      mild_end();
      break;
    case 2:
      text.add("What a ");
      text.add(pick(en.positive));
      text.add(' ');
      text.add(pick(en.events));
      mild_end();
      break;
    case 3:  // a dampened strong word
      text.add_capitalized(pick(en.things));
      text.add(" was ");
      text.add(pick(en.dampeners));
      text.add(pick(en.strong_positive));
      text.add('.');
      break;
    case 4:  // a negated negative reads mildly positive
      text.add_capitalized(pick(en.things));
      text.add(' ');
      text.add(pick(en.negated_copulas));
      text.add(" that ");
      text.add(pick(en.negative));
      mild_end();
      break;
    default:  // "but": VADER halves the first clause and weighs the second 1.5 times
      text.add_capitalized(pick(en.things));
      text.add(" was ");
      text.add(pick(en.negative));
      text.add(" but ");
      text.add(pick(en.things));
      text.add(" was ");
      text.add(pick(en.positive));
      text.add('.');
  }
}
// NEGATIVE: compound in (-0.6, -0.05].
void EnglishSentences::negative_clause() {
  const auto& en = vocab::english();
  switch (rng.below(6)) {
    case 0:
      thing_is(" is ", en.negative);
      break;
    case 1:
      text.add("I ");
      text.add(pick(en.negative_verbs));
      text.add(' ');
      text.add(pick(en.things));
      text.add('.');
      break;
    case 2:  // negation of a positive word: "isn't great"
      text.add_capitalized(pick(en.things));
      text.add(' ');
      text.add(pick(en.negated_copulas));
      text.add(' ');
      text.add(pick(rng.chance(500) ? en.positive : en.strong_positive));
      mild_end();
      break;
    case 3:
      text.add_capitalized(pick(en.things));
      text.add(" was ");
      text.add(pick(en.positive));
      text.add(" but ");
      text.add(pick(en.things));
      text.add(" was ");
      text.add(pick(en.negative));
      text.add('.');
      break;
    case 4:
      text.add("Never again. ");
      thing_is(" was ", en.negative);
      break;
    default:  // dampened
      text.add_capitalized(pick(en.things));
      text.add(" is ");
      text.add(pick(en.dampeners));
      text.add(pick(rng.chance(500) ? en.negative : en.strong_negative));
      text.add('.');
  }
}
// VERY_POSITIVE: compound >= 0.6 — strong words, boosters, "!!!", sometimes capitals.
void EnglishSentences::very_positive_clause() {
  const auto& en = vocab::english();
  if (rng.chance(500)) {
    text.add("I ");
    shouted("love");
    text.add(' ');
    text.add(pick(en.things));
    text.add("! ");
    text.add_capitalized(pick(en.things));
    text.add(" is ");
  } else {
    text.add_capitalized(pick(en.things));
    text.add(" was ");
  }
  shouted(pick(en.boosters));
  shouted(pick(en.strong_positive));
  strong_end();
}
// VERY_NEGATIVE: compound <= -0.6.
void EnglishSentences::very_negative_clause() {
  const auto& en = vocab::english();
  if (rng.chance(500)) {
    text.add("I ");
    shouted("hate");
    text.add(' ');
    text.add(pick(en.things));
    text.add(". ");
    text.add_capitalized(pick(en.boosters));
    shouted(pick(en.strong_negative));
  } else {
    text.add_capitalized(pick(en.things));
    text.add(" is ");
    shouted(pick(en.boosters));
    shouted(pick(en.strong_negative));
    text.add(" and ");
    text.add(pick(en.things));
    text.add(" is ");
    text.add(pick(en.negative));
  }
  strong_end();
}

}  // namespace eddy::tweets::synth
