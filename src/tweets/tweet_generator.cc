// TweetGenerator: see tweet_generator.h for what the output promises. This file holds the
// hashtag vocabulary and trending bursts, the users, the shape of one tweet and the JSON
// writers; the sampling primitives are in tweet_sampling.h, the text with its entities in
// tweet_text.h and the English sentence templates in english_sentences.h.
#include "tweets/tweet_generator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "common/json_string.h"
#include "common/status.h"
#include "common/time_format.h"
#include "tweets/english_sentences.h"
#include "tweets/tweet_sampling.h"
#include "tweets/tweet_text.h"
#include "tweets/tweet_vocabulary.h"

namespace eddy::tweets {
namespace {

using synth::EnglishSentences;
using synth::HashtagEntity;
using synth::MentionEntity;
using synth::UrlEntity;
using synth::mix64;
using synth::pick_weighted;
using synth::Rng;
using synth::TweetText;
using synth::User;
using synth::ZipfTable;

constexpr Micros kSecond = 1000000;
constexpr Micros kMinute = 60 * kSecond;
constexpr int64_t kTwitterEpochMs = 1288834974657;  // Snowflake ids count from here

// --- Hashtags and trends ------------------------------------------------------------------

// Every hashtag of the vocabulary: the real-looking ones, then prefix x suffix combinations in
// a few spellings people use (CamelCase, lower case, UPPER_SNAKE, with a number).
const std::vector<std::string>& hashtag_vocabulary() {
  static const std::vector<std::string> tags = [] {
    std::vector<std::string> v;
    for (std::string_view t : vocab::real_hashtags()) v.emplace_back(t);
    auto prefixes = vocab::hashtag_prefixes();
    auto suffixes = vocab::hashtag_suffixes();
    for (size_t i = 0; i < prefixes.size(); ++i) {
      for (size_t j = 0; j < suffixes.size(); ++j) {
        std::string a(prefixes[i]), b(suffixes[j]);
        uint64_t h = mix64(i * 1000 + j) % 20;
        std::string t;
        if (h < 14) {
          t = a + b;
        } else if (h < 16) {
          t = a + b;
          for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (h < 18) {
          t = a + "_" + b;
          for (char& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        } else {
          t = a + b + std::to_string(mix64(i + 7 * j) % 30 + 1);
        }
        v.push_back(std::move(t));
      }
    }
    return v;
  }();
  return tags;
}

// A trending topic: its weight rises linearly from `begin` to `peak_at`, then falls to zero
// at `end`. Invariant: begin < peak_at < end.
struct Burst {
  Micros begin, peak_at, end;
  uint32_t tag;     // index into hashtag_vocabulary()
  uint32_t height;  // relative weight at the peak
  double weight(Micros t) const {
    if (t <= begin || t >= end) return 0;
    if (t < peak_at) return height * double(t - begin) / double(peak_at - begin);
    return height * double(end - t) / double(end - peak_at);
  }
};

// --- Users -------------------------------------------------------------------------------

constexpr size_t kUsersPerLanguage = 20000;
constexpr size_t kLanguages = 12;  // English + vocab::other_languages()

// --- JSON --------------------------------------------------------------------------------

void append_uint(std::string* out, uint64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, p);
}

void append_id_pair(std::string* out, uint64_t id) {  // "id":N,"id_str":"N"
  out->append("\"id\":");
  append_uint(out, id);
  out->append(",\"id_str\":\"");
  append_uint(out, id);
  out->push_back('"');
}

void append_indices(std::string* out, uint32_t start, uint32_t end) {
  out->append("\"indices\":[");
  append_uint(out, start);
  out->push_back(',');
  append_uint(out, end);
  out->push_back(']');
}

void append_start_end(std::string* out, uint32_t start, uint32_t end) {
  out->append("\"start\":");
  append_uint(out, start);
  out->append(",\"end\":");
  append_uint(out, end);
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Which kind of English tweet to write; the order is the weight table's.
enum class Mood { kNothing, kNeutral, kNegative, kPositive, kVeryPositive, kVeryNegative };
constexpr std::array<uint32_t, 6> kMoodPerMille = {12, 518, 230, 160, 40, 40};

// en first, then vocab::other_languages() in order: es pt fr de ja ar ru ko tr hi und.
constexpr std::array<uint32_t, kLanguages> kLanguagePerMille = {550, 100, 60, 30, 25, 65,
                                                                40,  35,  20, 20, 20, 35};

}  // namespace

// --- The generator -----------------------------------------------------------------------

struct TweetGenerator::State {
  explicit State(const TweetGeneratorOptions& o)
      : options(o),
        rng(o.seed),
        burst_rng(o.seed ^ 0x7E4D5B1A3C2F9081ULL),
        tags(hashtag_vocabulary()),
        tag_zipf(tags.size(), 3),
        user_zipf(kUsersPerLanguage, 5),
        local_zipf(8, 1),
        interval(1e6 / o.rate) {
    EDDY_CHECK(o.rate > 0 && std::isfinite(o.rate)) << "rate=" << o.rate;
    // The popularity order of the hashtags depends on the seed; real-looking tags tend to
    // rank above the combinatorial ones.
    size_t real = vocab::real_hashtags().size();
    std::vector<std::pair<uint64_t, uint32_t>> keyed(tags.size());
    for (uint32_t i = 0; i < tags.size(); ++i)
      keyed[i] = {i < real ? rng.next() >> 4 : rng.next() >> 1, i};
    std::sort(keyed.begin(), keyed.end());
    rank_to_tag.resize(tags.size());
    for (size_t r = 0; r < keyed.size(); ++r) rank_to_tag[r] = keyed[r].second;
    // Trends already under way when the stream starts.
    next_burst = o.start - 90 * kMinute;
    advance_bursts(o.start);
  }

  // Creates the bursts that begin by `t` and drops those that ended. The schedule draws only
  // from burst_rng, so it depends on the seed and the event time alone.
  void advance_bursts(Micros t) {
    while (next_burst <= t) {
      Burst b;
      b.begin = next_burst;
      Micros length = 15 * kMinute + Micros(burst_rng.below(45 * kMinute));
      b.end = b.begin + length;
      b.peak_at = b.begin + length / 5 + Micros(burst_rng.below(length / 4));
      // Trends come from the long tail: a tag nobody used rises to the top and falls back.
      b.tag = rank_to_tag[10 + burst_rng.below(1500)];
      static constexpr uint32_t kHeights[] = {1, 2, 3, 5, 8};
      b.height = kHeights[burst_rng.below(5)];
      bursts.push_back(b);
      next_burst += 2 * kMinute + Micros(burst_rng.below(6 * kMinute));
    }
    std::erase_if(bursts, [t](const Burst& b) { return b.end <= t; });
  }

  // One hashtag for a tweet at time `now`: a trending topic about half the time, else the
  // seed's Zipf popularity.
  std::string_view sample_hashtag() {
    if (!bursts.empty() && rng.chance(450)) {
      double total = 0;
      for (const Burst& b : bursts) total += b.weight(now);
      if (total > 0) {
        double x = double(rng.next() >> 11) * 0x1.0p-53 * total;
        for (const Burst& b : bursts) {
          x -= b.weight(now);
          if (x < 0) return tags[b.tag];
        }
      }
    }
    return tags[rank_to_tag[tag_zipf.sample(rng)]];
  }

  // User `k` of language `lang`: a pure function of (seed, lang, k).
  User user(size_t lang, uint64_t k) {
    uint64_t h = mix64(options.seed * 0x9E3779B97F4A7C15ULL + lang * kUsersPerLanguage + k);
    Rng r(h);
    User u{};
    // Early accounts have short ids, recent ones Snowflake ids.
    u.id = r.chance(500)
               ? 1000000 + r.below(4000000000ULL)
               : (uint64_t(100000000000LL + r.below(360000000000LL)) << 22) | r.below(1 << 22);
    u.name = lang == 0 ? r.pick(vocab::english().names)
                       : r.pick(vocab::other_languages()[lang - 1].names);
    // Screen name: one of a few habits, at most 15 characters of [A-Za-z0-9_].
    std::string s;
    auto words = vocab::handle_words();
    std::string_view a = r.pick(words), b = r.pick(words);
    switch (r.below(4)) {
      case 0:
        s.append(a).append(b);
        break;
      case 1:
        s.append(a).append("_").append(b);
        break;
      case 2:
        s.append(a).append(std::to_string(r.below(10000)));
        break;
      default:
        s.append(a).append(b).append(std::to_string(r.below(100)));
        s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    }
    if (s.size() > 15) s.resize(15);
    std::memcpy(u.screen_name, s.data(), s.size());
    u.screen_name_size = static_cast<uint8_t>(s.size());
    u.followers = static_cast<uint32_t>(r.below(uint64_t{2} << r.below(21)));
    u.verified = u.followers > 400000 && r.chance(300);
    return u;
  }
  User sample_user(size_t lang) { return user(lang, user_zipf.sample(rng)); }

  // The English sentence templates, writing into `text` with draws from `rng`.
  EnglishSentences english_text() { return {rng, text}; }

  // --- One tweet -------------------------------------------------------------------------

  // Hashtags per tweet: mostly none or one, a few with several.
  uint32_t hashtag_count(bool english) {
    static constexpr std::array<uint32_t, 5> kEnglish = {480, 320, 130, 50, 20};
    static constexpr std::array<uint32_t, 5> kOther = {600, 290, 80, 25, 5};
    return static_cast<uint32_t>(pick_weighted(rng, english ? kEnglish : kOther));
  }
  std::string_view hashtag_for(size_t lang) {
    if (lang > 0 && lang < kLanguages - 1) {  // und has no local tags
      auto local = vocab::other_languages()[lang - 1].hashtags;
      if (rng.chance(500)) return local[local_zipf.sample(rng) % local.size()];
    }
    return sample_hashtag();
  }
  // Writes hashtags after the body, some wrapped in punctuation: "(#tag)", "#tag,", "#tag!".
  void trailing_hashtags(size_t lang, uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) {
      text.space_if_needed();
      std::string_view tag = hashtag_for(lang);
      switch (rng.below(12)) {
        case 0:
          text.add('(');
          text.add_hashtag(tag);
          text.add(')');
          break;
        default:
          text.add_hashtag(tag);
          if (uint64_t p = rng.below(8); p < 3) text.add(",!."[p]);
      }
    }
  }

  void build_text(size_t lang, User* reply_to) {
    text.clear();
    bool english = lang == 0;
    bool und = lang == kLanguages - 1;
    Mood mood = english ? static_cast<Mood>(pick_weighted(rng, kMoodPerMille)) : Mood::kNeutral;
    if (mood == Mood::kNothing) {
      // No letter once URLs and mentions are removed: nothing for a sentiment model to score.
      // (A hashtag would not do: "#tag" is scored as the word "tag".)
      uint64_t shape = rng.below(4);
      if (shape != 1) {
        text.add_mention(sample_user(lang));
        text.add(' ');
      }
      if (shape == 3) {
        text.add(rng.chance(500) ? "10/10 " : "!!! ");
      }
      if (shape == 2) {
        text.add_mention(sample_user(lang));
      } else {
        text.add_url(rng);
      }
      return;
    }
    if (rng.chance(und ? 250 : 100)) {  // a reply starts with the user it answers
      *reply_to = sample_user(lang);
      text.add_mention(*reply_to);
      text.add(' ');
    }
    uint32_t tags = hashtag_count(english);
    if (tags > 0 && rng.chance(150)) {  // a hashtag opening the tweet
      text.add_hashtag(hashtag_for(lang));
      text.add(rng.chance(300) ? ": " : " ");
      --tags;
    }
    if (english) {
      if (mood != Mood::kNeutral && rng.chance(250)) {  // context before the opinion
        english_text().neutral_clause(false);
        text.space_if_needed();
      }
      switch (mood) {
        case Mood::kNeutral:
          if (rng.chance(200)) {
            english_text().neutral_clause(false);
            text.space_if_needed();
          }
          english_text().neutral_clause(true);
          break;
        case Mood::kPositive:
          english_text().positive_clause();
          break;
        case Mood::kNegative:
          english_text().negative_clause();
          break;
        case Mood::kVeryPositive:
          english_text().very_positive_clause();
          break;
        default:
          english_text().very_negative_clause();
      }
    } else {
      const vocab::LanguageVocabulary& v = vocab::other_languages()[lang - 1];
      size_t first = rng.below(v.sentences.size());
      text.add(v.sentences[first]);
      if (!und && rng.chance(650)) {
        size_t second = (first + 1 + rng.below(v.sentences.size() - 1)) % v.sentences.size();
        text.add(v.joiner);
        text.add(v.sentences[second]);
      }
    }
    if (english && rng.chance(30)) {  // "cc @someone"
      text.add(" cc ");
      text.add_mention(sample_user(lang));
    }
    trailing_hashtags(lang, tags);
    // Emoji that agree with the mood: mild tweets get emoji without VADER valence, so the
    // emoji never moves a tweet to another class.
    uint32_t emoji_chance = mood == Mood::kNeutral ? (english ? 80 : 150) : 350;
    if (rng.chance(emoji_chance)) {
      text.space_if_needed();
      std::string_view e;
      switch (mood) {
        case Mood::kPositive:
          e = rng.pick(vocab::mild_positive_emoji());
          break;
        case Mood::kVeryPositive:
          e = rng.pick(vocab::strong_positive_emoji());
          break;
        case Mood::kNegative:
          e = rng.pick(vocab::mild_negative_emoji());
          break;
        case Mood::kVeryNegative:
          e = rng.pick(vocab::strong_negative_emoji());
          break;
        default:
          e = english ? rng.pick(vocab::neutral_emoji())
                      : rng.pick(rng.chance(700) ? vocab::strong_positive_emoji()
                                             : vocab::strong_negative_emoji());
      }
      uint32_t repeat = 1 + (rng.chance(250) ? uint32_t(rng.below(3)) : 0);
      for (uint32_t i = 0; i < repeat; ++i) text.add(e);
    }
    if (rng.chance(100)) {
      text.space_if_needed();
      text.add_url(rng);
    }
  }

  Micros event_time() {
    // Clamped so that absurd rates cannot overflow; such times are meaningless anyway.
    double offset = std::min(double(produced) * interval, 4e18);
    Micros base = options.start + Micros(offset);
    uint64_t spread = uint64_t(interval * 0.8);
    Micros t = base + (spread > 0 ? Micros(rng.below(spread)) : 0);
    return std::max(t, last_time);
  }

  // Snowflake-style id: milliseconds since the Twitter epoch, a random worker, a sequence.
  uint64_t tweet_id(int64_t ms) {
    uint64_t worker = rng.below(1024);
    if (ms < kTwitterEpochMs) return 1000000 + produced;
    return (uint64_t(ms - kTwitterEpochMs) << 22) | (worker << 12) | (produced & 0xFFF);
  }

  void write_v1(std::string* out, uint64_t id, int64_t ms, size_t lang, const User& author,
                const User* reply_to) {
    int64_t sec = floor_div(ms, 1000);
    if (sec != created_sec) {
      created_sec = sec;
      created_at = format_twitter_time(sec * kSecond);
    }
    out->append("{\"created_at\":\"");
    out->append(created_at);
    out->append("\",");
    append_id_pair(out, id);
    out->append(",\"text\":");
    append_json_string(text.text, out);
    if (reply_to) {
      out->append(",\"in_reply_to_user_id_str\":\"");
      append_uint(out, reply_to->id);
      out->append("\",\"in_reply_to_screen_name\":\"");
      out->append(reply_to->screen());
      out->push_back('"');
    }
    out->append(",\"user\":{");
    append_id_pair(out, author.id);
    out->append(",\"name\":");
    append_json_string(author.name, out);
    out->append(",\"screen_name\":\"");
    out->append(author.screen());
    out->append("\",\"followers_count\":");
    append_uint(out, author.followers);
    if (author.verified) out->append(",\"verified\":true");
    out->append("},\"entities\":{\"hashtags\":[");
    for (size_t i = 0; i < text.hashtags.size(); ++i) {
      const HashtagEntity& h = text.hashtags[i];
      if (i) out->push_back(',');
      out->append("{\"text\":");
      append_json_string(h.tag, out);
      out->push_back(',');
      append_indices(out, h.start, h.end);
      out->push_back('}');
    }
    out->append("],\"urls\":[");
    for (size_t i = 0; i < text.urls.size(); ++i) {
      const UrlEntity& u = text.urls[i];
      if (i) out->push_back(',');
      out->append("{\"url\":\"");
      out->append(u.url());
      out->append("\",\"expanded_url\":");
      append_json_string(u.link->expanded, out);
      out->append(",\"display_url\":");
      append_json_string(u.link->display, out);
      out->push_back(',');
      append_indices(out, u.start, u.end);
      out->push_back('}');
    }
    out->append("],\"user_mentions\":[");
    for (size_t i = 0; i < text.mentions.size(); ++i) {
      const MentionEntity& m = text.mentions[i];
      if (i) out->push_back(',');
      out->append("{\"screen_name\":\"");
      out->append(m.user.screen());
      out->append("\",\"name\":");
      append_json_string(m.user.name, out);
      out->push_back(',');
      append_id_pair(out, m.user.id);
      out->push_back(',');
      append_indices(out, m.start, m.end);
      out->push_back('}');
    }
    out->append("]},\"lang\":\"");
    out->append(lang_code(lang));
    out->append("\",\"timestamp_ms\":\"");
    append_uint(out, uint64_t(ms));  // v1.1 sends it as a string
    out->append("\"}");
  }

  void write_v2(std::string* out, uint64_t id, int64_t ms, size_t lang, const User& author) {
    int64_t sec = floor_div(ms, 1000);
    if (sec != created_sec) {
      created_sec = sec;
      created_at = format_rfc3339(sec * kSecond);  // "...T00:00:00Z"
      created_at.pop_back();
    }
    out->append("{\"data\":{\"id\":\"");
    append_uint(out, id);
    out->append("\",\"text\":");
    append_json_string(text.text, out);
    out->append(",\"created_at\":\"");
    out->append(created_at);
    char frac[6] = {'.', '0', '0', '0', 'Z', '"'};
    int64_t milli = ms - sec * 1000;
    frac[1] = char('0' + milli / 100);
    frac[2] = char('0' + milli / 10 % 10);
    frac[3] = char('0' + milli % 10);
    out->append(frac, 6);
    out->append(",\"lang\":\"");
    out->append(lang_code(lang));
    out->append("\",\"author_id\":\"");
    append_uint(out, author.id);
    out->append("\",\"edit_history_tweet_ids\":[\"");
    append_uint(out, id);
    out->append("\"]");
    bool any = !text.hashtags.empty() || !text.mentions.empty() || !text.urls.empty();
    if (any) {
      out->append(",\"entities\":{");
      bool first_array = true;
      auto open_array = [&](const char* name) {
        if (!first_array) out->push_back(',');
        first_array = false;
        out->push_back('"');
        out->append(name);
        out->append("\":[");
      };
      if (!text.hashtags.empty()) {
        open_array("hashtags");
        for (size_t i = 0; i < text.hashtags.size(); ++i) {
          if (i) out->push_back(',');
          out->push_back('{');
          append_start_end(out, text.hashtags[i].start, text.hashtags[i].end);
          out->append(",\"tag\":");
          append_json_string(text.hashtags[i].tag, out);
          out->push_back('}');
        }
        out->push_back(']');
      }
      if (!text.mentions.empty()) {
        open_array("mentions");
        for (size_t i = 0; i < text.mentions.size(); ++i) {
          const MentionEntity& m = text.mentions[i];
          if (i) out->push_back(',');
          out->push_back('{');
          append_start_end(out, m.start, m.end);
          out->append(",\"username\":\"");
          out->append(m.user.screen());
          out->append("\",\"id\":\"");
          append_uint(out, m.user.id);
          out->append("\"}");
        }
        out->push_back(']');
      }
      if (!text.urls.empty()) {
        open_array("urls");
        for (size_t i = 0; i < text.urls.size(); ++i) {
          const UrlEntity& u = text.urls[i];
          if (i) out->push_back(',');
          out->push_back('{');
          append_start_end(out, u.start, u.end);
          out->append(",\"url\":\"");
          out->append(u.url());
          out->append("\",\"expanded_url\":");
          append_json_string(u.link->expanded, out);
          out->append(",\"display_url\":");
          append_json_string(u.link->display, out);
          out->push_back('}');
        }
        out->push_back(']');
      }
      out->push_back('}');
    }
    out->append("}}");
  }

  static std::string_view lang_code(size_t lang) {
    return lang == 0 ? std::string_view("en") : vocab::other_languages()[lang - 1].lang;
  }

  bool next(std::string* line) {
    if (produced >= options.count) return false;
    now = event_time();
    last_time = now;
    advance_bursts(now);
    size_t lang = pick_weighted(rng, kLanguagePerMille);
    User author = sample_user(lang);
    User reply_to{};
    reply_to.screen_name_size = 0;
    build_text(lang, &reply_to);
    int64_t ms = floor_div(now, 1000);
    uint64_t id = tweet_id(ms);
    line->clear();
    if (options.format == TweetFormat::kV1)
      write_v1(line, id, ms, lang, author, reply_to.screen_name_size ? &reply_to : nullptr);
    else
      write_v2(line, id, ms, lang, author);
    ++produced;
    return true;
  }

  TweetGeneratorOptions options;
  Rng rng;        // everything per tweet
  Rng burst_rng;  // the trend schedule only
  const std::vector<std::string>& tags;
  std::vector<uint32_t> rank_to_tag;  // popularity rank -> index into tags
  ZipfTable tag_zipf, user_zipf, local_zipf;
  std::vector<Burst> bursts;  // active trends, in order of begin
  Micros next_burst;          // begin of the next trend to create
  double interval;            // mean microseconds between tweets
  uint64_t produced = 0;
  Micros now = 0;
  Micros last_time = INT64_MIN;  // event times never decrease
  int64_t created_sec = INT64_MIN;
  std::string created_at;  // created_at of second created_sec, in the output's format
  TweetText text;
};

TweetGenerator::TweetGenerator(const TweetGeneratorOptions& options)
    : state_(std::make_unique<State>(options)) {}
TweetGenerator::~TweetGenerator() = default;
TweetGenerator::TweetGenerator(TweetGenerator&&) noexcept = default;
TweetGenerator& TweetGenerator::operator=(TweetGenerator&&) noexcept = default;

bool TweetGenerator::next(std::string* line) { return state_->next(line); }
uint64_t TweetGenerator::produced() const { return state_->produced; }

}  // namespace eddy::tweets
