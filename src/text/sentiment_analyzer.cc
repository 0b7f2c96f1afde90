// VADER 3.3.2 in C++; see sentiment_analyzer.h. The structure follows the original's
// polarity_scores / sentiment_valence / _negation_check / _special_idioms_check /
// _least_check / _but_check / score_valence one to one, so a reader can check each rule
// against vaderSentiment.py side by side. Differences are only in mechanics: each token is
// lowercased and looked up once (WordInfo), and the words the rules compare against ("no",
// "but", idiom words) are compared as small integer ids instead of strings.
#include "text/sentiment_analyzer.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "text/vader_unicode.h"

namespace eddy::text {
namespace {

// Constants of vaderSentiment 3.3.2.
constexpr double kBIncr = 0.293;
constexpr double kBDecr = -0.293;
constexpr double kCIncr = 0.733;
constexpr double kNScalar = -0.74;

constexpr const char* kNegate[] = {
    "aint",   "arent",    "cannot",  "cant",     "couldnt",  "darent",   "didnt",   "doesnt",
    "ain't",  "aren't",   "can't",   "couldn't", "daren't",  "didn't",   "doesn't", "dont",
    "hadnt",  "hasnt",    "havent",  "isnt",     "mightnt",  "mustnt",   "neither", "don't",
    "hadn't", "hasn't",   "haven't", "isn't",    "mightn't", "mustn't",  "neednt",  "needn't",
    "never",  "none",     "nope",    "nor",      "not",      "nothing",  "nowhere", "oughtnt",
    "shant",  "shouldnt", "uhuh",    "wasnt",    "werent",   "oughtn't", "shan't",  "shouldn't",
    "uh-uh",  "wasn't",   "weren't", "without",  "wont",     "wouldnt",  "won't",   "wouldn't",
    "rarely", "seldom",   "despite"};

struct BoosterEntry {
  const char* word;
  double scalar;
};
constexpr BoosterEntry kBoosters[] = {
    {"absolutely", kBIncr},    {"amazingly", kBIncr},    {"awfully", kBIncr},
    {"completely", kBIncr},    {"considerable", kBIncr}, {"considerably", kBIncr},
    {"decidedly", kBIncr},     {"deeply", kBIncr},       {"effing", kBIncr},
    {"enormous", kBIncr},      {"enormously", kBIncr},   {"entirely", kBIncr},
    {"especially", kBIncr},    {"exceptional", kBIncr},  {"exceptionally", kBIncr},
    {"extreme", kBIncr},       {"extremely", kBIncr},    {"fabulously", kBIncr},
    {"flipping", kBIncr},      {"flippin", kBIncr},      {"frackin", kBIncr},
    {"fracking", kBIncr},      {"fricking", kBIncr},     {"frickin", kBIncr},
    {"frigging", kBIncr},      {"friggin", kBIncr},      {"fully", kBIncr},
    {"fuckin", kBIncr},        {"fucking", kBIncr},      {"fuggin", kBIncr},
    {"fugging", kBIncr},       {"greatly", kBIncr},      {"hella", kBIncr},
    {"highly", kBIncr},        {"hugely", kBIncr},       {"incredible", kBIncr},
    {"incredibly", kBIncr},    {"intensely", kBIncr},    {"major", kBIncr},
    {"majorly", kBIncr},       {"more", kBIncr},         {"most", kBIncr},
    {"particularly", kBIncr},  {"purely", kBIncr},       {"quite", kBIncr},
    {"really", kBIncr},        {"remarkably", kBIncr},   {"so", kBIncr},
    {"substantially", kBIncr}, {"thoroughly", kBIncr},   {"total", kBIncr},
    {"totally", kBIncr},       {"tremendous", kBIncr},   {"tremendously", kBIncr},
    {"uber", kBIncr},          {"unbelievably", kBIncr}, {"unusually", kBIncr},
    {"utter", kBIncr},         {"utterly", kBIncr},      {"very", kBIncr},
    {"almost", kBDecr},        {"barely", kBDecr},       {"hardly", kBDecr},
    {"just enough", kBDecr},   {"kind of", kBDecr},      {"kinda", kBDecr},
    {"kindof", kBDecr},        {"kind-of", kBDecr},      {"less", kBDecr},
    {"little", kBDecr},        {"marginal", kBDecr},     {"marginally", kBDecr},
    {"occasional", kBDecr},    {"occasionally", kBDecr}, {"partly", kBDecr},
    {"scarce", kBDecr},        {"scarcely", kBDecr},     {"slight", kBDecr},
    {"slightly", kBDecr},      {"somewhat", kBDecr},     {"sort of", kBDecr},
    {"sorta", kBDecr},         {"sortof", kBDecr},       {"sort-of", kBDecr}};

struct SpecialCaseEntry {
  const char* phrase;
  double valence;
};
constexpr SpecialCaseEntry kSpecialCases[] = {
    {"the shit", 3},        {"the bomb", 3},       {"bad ass", 1.5},        {"badass", 1.5},
    {"bus stop", 0.0},      {"yeah right", -2},    {"kiss of death", -1.5}, {"to die for", 3},
    {"beating heart", 3.1}, {"broken heart", -2.9}};

// Ids of the words the rules test by name; assigned first, in this order (id = index + 1).
enum RuleWord : uint16_t {
  kNone = 0,
  kNo,
  kLeast,
  kKind,
  kOf,
  kBut,
  kNever,
  kSo,
  kThis,
  kWithout,
  kDoubt,
  kAt,
  kVery,
  kOr,
  kNor,
  kRuleWordCount
};
constexpr const char* kRuleWordNames[] = {"",      "no",    "least", "kind", "of",
                                          "but",   "never", "so",    "this", "without",
                                          "doubt", "at",    "very",  "or",   "nor"};
static_assert(sizeof(kRuleWordNames) / sizeof(kRuleWordNames[0]) == kRuleWordCount);

constexpr bool is_ascii_punct(unsigned char c) {
  // Python's string.punctuation: !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
         (c >= 0x7B && c <= 0x7E);
}

// Python's round(x, ndigits) for ndigits in 0..4: the double nearest to x correctly rounded
// to ndigits decimals, ties to even on the exact binary value.
double python_round(double x, int ndigits) {
  static constexpr double kPow10[] = {1, 10, 100, 1000, 10000};
  const double p = kPow10[ndigits];
  const double y = x * p;
  const double frac = std::fabs(y - std::trunc(y));
  if (std::fabs(frac - 0.5) > 1e-7) return std::nearbyint(y) / p;
  // Near a tie the product's rounding could decide; let printf round the exact value.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", ndigits, x);
  return std::strtod(buf, nullptr);
}

// Python's str.strip() for UTF-8.
std::string_view strip_python_space(std::string_view s) {
  size_t b = 0;
  while (b < s.size()) {
    size_t len;
    if (!vader::is_python_space(vader::decode_utf8(s, b, &len))) break;
    b += len;
  }
  size_t e = s.size();
  while (e > b) {
    size_t start = e - 1;
    while (start > b && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
    size_t len;
    if (!vader::is_python_space(vader::decode_utf8(s, start, &len)) || start + len != e) break;
    e = start;
  }
  return s.substr(b, e - b);
}

}  // namespace

// One call's state: the tokens of the text and their scores. Lives in thread_local scratch so
// that a call allocates nothing once the buffers have grown to the longest text seen.
class SentimentScorer {
 public:
  struct Token {
    uint32_t off, len;                        // the token (original case) in text
    uint32_t loff, llen;                      // its lowercase form in lower
    const SentimentAnalyzer::WordInfo* info;  // null: a word VADER knows nothing about
    bool upper;                               // Python's token.isupper()
    bool negated;  // negated([token.lower()]): in NEGATE or contains "n't"
  };

  std::string text;   // the text with emoji replaced by their descriptions
  std::string lower;  // lowercase tokens, back to back
  std::vector<Token> tokens;
  std::vector<double> sentiments;

  SentimentScores run(const SentimentAnalyzer& a, std::string_view input, bool* has_letter);

 private:
  const SentimentAnalyzer* a_ = nullptr;
  bool cap_diff_ = false;

  uint16_t id(size_t i) const { return tokens[i].info ? tokens[i].info->word_id : 0; }
  bool in_lexicon(size_t i) const { return tokens[i].info && tokens[i].info->in_lexicon; }

  std::string_view replace_emoji(std::string_view input);
  void tokenize(std::string_view t);
  double sentiment_valence(size_t i);
  double scalar_inc_dec(size_t j, double valence) const;
  double negation_check(double valence, int start_i, size_t i) const;
  double special_idioms_check(double valence, size_t i) const;
  double least_check(double valence, size_t i) const;
  void but_check();
  bool matches(const std::vector<uint16_t>& ids, size_t from, size_t count) const;
};

std::string_view SentimentScorer::replace_emoji(std::string_view input) {
  // The original: for chr in text: if chr in emojis: add ' ' unless the previous char was a
  // space, then the description; else the char. prev_space tracks only ' '.
  size_t first_non_ascii = 0;
  while (first_non_ascii < input.size() &&
         static_cast<unsigned char>(input[first_non_ascii]) < 0x80) {
    ++first_non_ascii;
  }
  if (first_non_ascii == input.size()) return input;  // no emoji can be present
  text.clear();
  text.append(input.substr(0, first_non_ascii));
  bool prev_space = first_non_ascii > 0 && input[first_non_ascii - 1] == ' ';
  for (size_t i = first_non_ascii; i < input.size();) {
    const auto b = static_cast<unsigned char>(input[i]);
    if (b < 0x80) {
      text.push_back(static_cast<char>(b));
      prev_space = b == ' ';
      ++i;
      continue;
    }
    size_t len;
    const char32_t cp = vader::decode_utf8(input, i, &len);
    auto it = a_->emoji_.find(cp);
    if (it != a_->emoji_.end()) {
      if (!prev_space) text.push_back(' ');
      text.append(it->second);
    } else {
      text.append(input.substr(i, len));
    }
    prev_space = false;
    i += len;
  }
  return text;
}

void SentimentScorer::tokenize(std::string_view t) {
  tokens.clear();
  lower.clear();
  const char* base = t.data();
  size_t i = 0;
  while (i < t.size()) {
    // Skip whitespace.
    size_t len = 1;
    const auto b = static_cast<unsigned char>(t[i]);
    if (b < 0x80 ? vader::is_python_space(b)
                 : vader::is_python_space(vader::decode_utf8(t, i, &len))) {
      i += len;
      continue;
    }
    size_t start = i;
    while (i < t.size()) {
      const auto c = static_cast<unsigned char>(t[i]);
      if (c < 0x80) {
        if (vader::is_python_space(c)) break;
        ++i;
      } else {
        const char32_t cp = vader::decode_utf8(t, i, &len);
        if (vader::is_python_space(cp)) break;
        i += len;
      }
    }
    // _strip_punc_if_word: strip string.punctuation; keep the token if <= 2 chars remain.
    size_t s = start;
    size_t e = i;
    while (s < e && is_ascii_punct(static_cast<unsigned char>(t[s]))) ++s;
    while (e > s && is_ascii_punct(static_cast<unsigned char>(t[e - 1]))) --e;
    const size_t n = e - s;
    const bool keep_stripped = n > 8 || (n > 2 && vader::code_point_length(t.substr(s, n)) > 2);
    if (!keep_stripped) {
      s = start;
      e = i;
    }
    const std::string_view word = t.substr(s, e - s);
    Token tok;
    tok.off = static_cast<uint32_t>(word.data() - base);
    tok.len = static_cast<uint32_t>(word.size());
    tok.loff = static_cast<uint32_t>(lower.size());
    vader::append_python_lower(word, lower);
    tok.llen = static_cast<uint32_t>(lower.size() - tok.loff);
    const std::string_view lw(lower.data() + tok.loff, tok.llen);
    auto it = a_->words_.find(absl::string_view(lw.data(), lw.size()));
    tok.info = it == a_->words_.end() ? nullptr : &it->second;
    tok.upper = vader::python_isupper(word);
    tok.negated = (tok.info && tok.info->is_negation) || lw.find("n't") != std::string_view::npos;
    tokens.push_back(tok);
  }
}

double SentimentScorer::scalar_inc_dec(size_t j, double valence) const {
  double scalar = 0.0;
  const Token& w = tokens[j];
  if (w.info && w.info->is_booster) {
    scalar = w.info->booster;
    if (valence < 0) scalar *= -1;
    if (w.upper && cap_diff_) {
      if (valence > 0) {
        scalar += kCIncr;
      } else {
        scalar -= kCIncr;
      }
    }
  }
  return scalar;
}

double SentimentScorer::negation_check(double valence, int start_i, size_t i) const {
  if (start_i == 0) {
    if (tokens[i - 1].negated) valence = valence * kNScalar;
  }
  if (start_i == 1) {
    if (id(i - 2) == kNever && (id(i - 1) == kSo || id(i - 1) == kThis)) {
      valence = valence * 1.25;
    } else if (id(i - 2) == kWithout && id(i - 1) == kDoubt) {
      // "without doubt": not a negation
    } else if (tokens[i - 2].negated) {
      valence = valence * kNScalar;
    }
  }
  if (start_i == 2) {
    // The original's precedence: (never and (so or this)) or (so or this) at i-1.
    if ((id(i - 3) == kNever && (id(i - 2) == kSo || id(i - 2) == kThis)) ||
        (id(i - 1) == kSo || id(i - 1) == kThis)) {
      valence = valence * 1.25;
    } else if (id(i - 3) == kWithout && (id(i - 2) == kDoubt || id(i - 1) == kDoubt)) {
      // "without (a) doubt"
    } else if (tokens[i - 3].negated) {
      valence = valence * kNScalar;
    }
  }
  return valence;
}

bool SentimentScorer::matches(const std::vector<uint16_t>& ids, size_t from, size_t count) const {
  if (ids.size() != count) return false;
  for (size_t k = 0; k < count; ++k) {
    if (id(from + k) != ids[k]) return false;
  }
  return true;
}

double SentimentScorer::special_idioms_check(double valence, size_t i) const {
  // Sequences in the original's order: onezero, twoonezero, twoone, threetwoone, threetwo.
  struct Seq {
    size_t from, count;
  };
  const Seq seqs[] = {{i - 1, 2}, {i - 2, 3}, {i - 2, 2}, {i - 3, 3}, {i - 3, 2}};
  bool found = false;
  for (const Seq& q : seqs) {
    for (const auto& sc : a_->special_cases_) {
      if (matches(sc.ids, q.from, q.count)) {
        valence = sc.valence;
        found = true;
        break;
      }
    }
    if (found) break;
  }
  const size_t n = tokens.size();
  if (n - 1 > i) {
    for (const auto& sc : a_->special_cases_) {
      if (matches(sc.ids, i, 2)) {
        valence = sc.valence;
        break;
      }
    }
  }
  if (n - 1 > i + 1) {
    for (const auto& sc : a_->special_cases_) {
      if (matches(sc.ids, i, 3)) {
        valence = sc.valence;
        break;
      }
    }
  }
  // Booster n-grams [threetwoone, threetwo, twoone]; only two-word keys exist, so the
  // three-word one never matches.
  const size_t pairs[] = {i - 3, i - 2};
  for (size_t from : pairs) {
    for (const auto& bp : a_->booster_pairs_) {
      if (id(from) == bp.first && id(from + 1) == bp.second) {
        valence = valence + bp.scalar;
        break;
      }
    }
  }
  return valence;
}

double SentimentScorer::least_check(double valence, size_t i) const {
  if (i > 1 && !in_lexicon(i - 1) && id(i - 1) == kLeast) {
    if (id(i - 2) != kAt && id(i - 2) != kVery) valence = valence * kNScalar;
  } else if (i > 0 && !in_lexicon(i - 1) && id(i - 1) == kLeast) {
    valence = valence * kNScalar;
  }
  return valence;
}

double SentimentScorer::sentiment_valence(size_t i) {
  const Token& item = tokens[i];
  double valence = 0;
  if (!(item.info && item.info->in_lexicon)) return valence;
  const size_t n = tokens.size();
  valence = item.info->valence;
  // "no" before another lexicon word negates it instead of scoring itself.
  if (id(i) == kNo && i != n - 1 && in_lexicon(i + 1)) valence = 0.0;
  if ((i > 0 && id(i - 1) == kNo) || (i > 1 && id(i - 2) == kNo) ||
      (i > 2 && id(i - 3) == kNo && (id(i - 1) == kOr || id(i - 1) == kNor))) {
    valence = item.info->valence * kNScalar;
  }
  if (item.upper && cap_diff_) {
    if (valence > 0) {
      valence += kCIncr;
    } else {
      valence -= kCIncr;
    }
  }
  for (int start_i = 0; start_i < 3; ++start_i) {
    const size_t back = static_cast<size_t>(start_i) + 1;
    if (i > static_cast<size_t>(start_i) && !in_lexicon(i - back)) {
      double s = scalar_inc_dec(i - back, valence);
      if (start_i == 1 && s != 0) s = s * 0.95;
      if (start_i == 2 && s != 0) s = s * 0.9;
      valence = valence + s;
      valence = negation_check(valence, start_i, i);
      if (start_i == 2) valence = special_idioms_check(valence, i);
    }
  }
  return least_check(valence, i);
}

void SentimentScorer::but_check() {
  size_t bi = tokens.size();
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (id(i) == kBut) {
      bi = i;
      break;
    }
  }
  if (bi == tokens.size()) return;
  // for sentiment in sentiments: si = sentiments.index(sentiment); replace sentiments[si].
  const size_t n = sentiments.size();
  for (size_t k = 0; k < n; ++k) {
    const double v = sentiments[k];
    size_t si = 0;
    while (sentiments[si] != v) ++si;
    if (si < bi) {
      sentiments[si] = v * 0.5;
    } else if (si > bi) {
      sentiments[si] = v * 1.5;
    }
  }
}

SentimentScores SentimentScorer::run(const SentimentAnalyzer& a, std::string_view input,
                                     bool* has_letter) {
  a_ = &a;
  const std::string_view t = strip_python_space(replace_emoji(input));
  if (has_letter) {
    *has_letter = false;
    for (size_t i = 0; i < t.size();) {
      size_t len;
      if (vader::is_letter(vader::decode_utf8(t, i, &len))) {
        *has_letter = true;
        break;
      }
      i += len;
    }
  }
  tokenize(t);
  const size_t n = tokens.size();
  size_t allcaps = 0;
  for (const Token& tok : tokens) allcaps += tok.upper ? 1 : 0;
  cap_diff_ = n - allcaps > 0 && n - allcaps < n;

  sentiments.clear();
  for (size_t i = 0; i < n; ++i) {
    const Token& item = tokens[i];
    if (item.info && item.info->is_booster) {
      sentiments.push_back(0);
      continue;
    }
    if (i < n - 1 && id(i) == kKind && id(i + 1) == kOf) {
      sentiments.push_back(0);
      continue;
    }
    sentiments.push_back(sentiment_valence(i));
  }
  but_check();

  SentimentScores out;
  if (sentiments.empty()) return out;
  double sum_s = 0;
  for (double s : sentiments) sum_s += s;
  size_t ep_count = 0;
  size_t qm_count = 0;
  for (char c : t) {
    ep_count += c == '!';
    qm_count += c == '?';
  }
  if (ep_count > 4) ep_count = 4;
  const double ep_amplifier = static_cast<double>(ep_count) * 0.292;
  double qm_amplifier = 0;
  if (qm_count > 1) qm_amplifier = qm_count <= 3 ? static_cast<double>(qm_count) * 0.18 : 0.96;
  const double punct = ep_amplifier + qm_amplifier;
  if (sum_s > 0) {
    sum_s += punct;
  } else if (sum_s < 0) {
    sum_s -= punct;
  }
  double compound = sum_s / std::sqrt(sum_s * sum_s + 15);
  if (compound < -1.0) compound = -1.0;
  if (compound > 1.0) compound = 1.0;

  double pos_sum = 0.0;
  double neg_sum = 0.0;
  size_t neu_count = 0;
  for (double s : sentiments) {
    if (s > 0) pos_sum += (s + 1);
    if (s < 0) neg_sum += (s - 1);
    if (s == 0) neu_count += 1;
  }
  if (pos_sum > std::fabs(neg_sum)) {
    pos_sum += punct;
  } else if (pos_sum < std::fabs(neg_sum)) {
    neg_sum -= punct;
  }
  const double total = pos_sum + std::fabs(neg_sum) + static_cast<double>(neu_count);
  out.pos = python_round(std::fabs(pos_sum / total), 3);
  out.neg = python_round(std::fabs(neg_sum / total), 3);
  out.neu = python_round(std::fabs(static_cast<double>(neu_count) / total), 3);
  out.compound = python_round(compound, 4);
  return out;
}

namespace {
thread_local SentimentScorer tls_scorer;
thread_local std::string tls_clean;
}  // namespace

std::string_view sentiment_class_name(SentimentClass c) {
  switch (c) {
    case SentimentClass::kNotUnderstood:
      return "NOT_UNDERSTOOD";
    case SentimentClass::kVeryNegative:
      return "VERY_NEGATIVE";
    case SentimentClass::kNegative:
      return "NEGATIVE";
    case SentimentClass::kNeutral:
      return "NEUTRAL";
    case SentimentClass::kPositive:
      return "POSITIVE";
    case SentimentClass::kVeryPositive:
      return "VERY_POSITIVE";
  }
  return "NOT_UNDERSTOOD";
}

SentimentClass sentiment_class_of(double compound) {
  if (compound <= kVeryNegativeMax) return SentimentClass::kVeryNegative;
  if (compound <= kNegativeMax) return SentimentClass::kNegative;
  if (compound < kPositiveMin) return SentimentClass::kNeutral;
  if (compound < kVeryPositiveMin) return SentimentClass::kPositive;
  return SentimentClass::kVeryPositive;
}

void SentimentAnalyzer::add_rule_words() {
  for (uint16_t id = 1; id < kRuleWordCount; ++id)
    words_[std::string(kRuleWordNames[id])].word_id = id;
  next_word_id_ = kRuleWordCount;
  auto id_of = [this](std::string_view w) -> uint16_t {
    WordInfo& info = words_[std::string(w)];
    if (info.word_id == 0) info.word_id = next_word_id_++;
    return info.word_id;
  };
  auto split_ids = [&](std::string_view phrase) {
    std::vector<uint16_t> ids;
    size_t pos = 0;
    while (pos <= phrase.size()) {
      size_t sp = phrase.find(' ', pos);
      if (sp == std::string_view::npos) sp = phrase.size();
      ids.push_back(id_of(phrase.substr(pos, sp - pos)));
      pos = sp + 1;
    }
    return ids;
  };
  for (const auto& sc : kSpecialCases) {
    special_cases_.push_back({split_ids(sc.phrase), sc.valence});
  }
  for (const auto& b : kBoosters) {
    std::string_view w = b.word;
    if (w.find(' ') == std::string_view::npos) {
      WordInfo& info = words_[std::string(w)];
      info.is_booster = true;
      info.booster = b.scalar;
    } else {
      std::vector<uint16_t> ids = split_ids(w);
      booster_pairs_.push_back({ids[0], ids[1], b.scalar});
    }
  }
  for (const char* w : kNegate) words_[std::string(w)].is_negation = true;
}

Result<std::unique_ptr<SentimentAnalyzer>> SentimentAnalyzer::create(
    const std::string& lexicon_path, const std::string& emoji_lexicon_path) {
  std::unique_ptr<SentimentAnalyzer> a(new SentimentAnalyzer());
  std::string lexicon_text;
  std::string_view lexicon = vader::embedded_valence_lexicon();
  std::string lexicon_origin = "built-in vader_lexicon.txt";
  if (!lexicon_path.empty()) {
    EDDY_ASSIGN_OR_RETURN(lexicon_text, vader::read_lexicon_file(lexicon_path));
    lexicon = lexicon_text;
    lexicon_origin = lexicon_path;
  }
  std::string emoji_text;
  std::string_view emoji = vader::embedded_emoji_lexicon();
  std::string emoji_origin = "built-in emoji_utf8_lexicon.txt";
  if (!emoji_lexicon_path.empty()) {
    EDDY_ASSIGN_OR_RETURN(emoji_text, vader::read_lexicon_file(emoji_lexicon_path));
    emoji = emoji_text;
    emoji_origin = emoji_lexicon_path;
  }
  EDDY_ASSIGN_OR_RETURN(vader::ValenceMap valences,
                        vader::parse_valence_lexicon(lexicon, lexicon_origin));
  EDDY_ASSIGN_OR_RETURN(a->emoji_, vader::parse_emoji_lexicon(emoji, emoji_origin));
  for (const auto& [emoji_cp, description] : a->emoji_) {
    if (emoji_cp < 0x80) {
      return invalid_argument(emoji_origin + ": ASCII character '" +
                              std::string(1, static_cast<char>(emoji_cp)) +
                              "' as an emoji is not supported");
    }
  }
  a->words_.reserve(valences.size() + 256);
  for (const auto& [word, valence] : valences) {
    WordInfo& info = a->words_[word];
    info.in_lexicon = true;
    info.valence = valence;
  }
  a->add_rule_words();
  return a;
}

SentimentScores SentimentAnalyzer::score(std::string_view text, bool* has_letter) const {
  return tls_scorer.run(*this, text, has_letter);
}

SentimentScores SentimentAnalyzer::polarity_scores(std::string_view text) const {
  return score(text, nullptr);
}

SentimentClass SentimentAnalyzer::classify(std::string_view tweet_text) const {
  SentimentScores unused;
  return classify(tweet_text, &unused);
}

SentimentClass SentimentAnalyzer::classify(std::string_view tweet_text,
                                           SentimentScores* scores) const {
  strip_tweet_markup(tweet_text, tls_clean);
  bool has_letter = false;
  *scores = score(tls_clean, &has_letter);
  if (!has_letter && scores->compound == 0 && scores->pos == 0 && scores->neg == 0) {
    return SentimentClass::kNotUnderstood;
  }
  return sentiment_class_of(scores->compound);
}

namespace {
bool is_word_byte(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_' ||
         c >= 0x80;
}
bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if ((s[i] | 0x20) != prefix[i]) return false;
  }
  return true;
}
}  // namespace

void strip_tweet_markup(std::string_view in, std::string& out) {
  out.clear();
  size_t i = 0;
  while (i < in.size()) {
    const auto c = static_cast<unsigned char>(in[i]);
    const bool at_word_start = i == 0 || !is_word_byte(static_cast<unsigned char>(in[i - 1]));
    if (at_word_start && (c == 'h' || c == 'H' || c == 'w' || c == 'W')) {
      const std::string_view rest = in.substr(i);
      if (starts_with_ci(rest, "http://") || starts_with_ci(rest, "https://") ||
          starts_with_ci(rest, "www.")) {
        while (i < in.size() && !std::isspace(static_cast<unsigned char>(in[i]))) ++i;
        continue;
      }
    }
    if (c == '@' && at_word_start && i + 1 < in.size() &&
        is_word_byte(static_cast<unsigned char>(in[i + 1])) &&
        static_cast<unsigned char>(in[i + 1]) < 0x80) {
      ++i;
      while (i < in.size() && is_word_byte(static_cast<unsigned char>(in[i])) &&
             static_cast<unsigned char>(in[i]) < 0x80) {
        ++i;
      }
      continue;
    }
    if (c == '#' && at_word_start && i + 1 < in.size() &&
        is_word_byte(static_cast<unsigned char>(in[i + 1]))) {
      ++i;  // drop the mark, keep the word
      continue;
    }
    out.push_back(static_cast<char>(c));
    ++i;
  }
}

}  // namespace eddy::text
