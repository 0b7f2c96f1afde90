// The text of one synthetic tweet with its entities (hashtags, mentions, URLs), counted in
// Unicode code points as it grows, and the users it names. Internal to tweets/: built by the
// generator (tweet_generator.cc) and its English sentence templates (english_sentences.h).
// Thread-safety: none (plain values).
#pragma once

#include <cctype>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "tweets/tweet_sampling.h"
#include "tweets/tweet_vocabulary.h"

namespace eddy::tweets::synth {

struct User {
  uint64_t id;
  std::string_view name;
  uint32_t followers;
  bool verified;
  char screen_name[16];
  uint8_t screen_name_size;
  std::string_view screen() const { return {screen_name, screen_name_size}; }
};

struct HashtagEntity {
  uint32_t start, end;
  std::string_view tag;
};
struct MentionEntity {
  uint32_t start, end;
  User user;
};
struct UrlEntity {
  uint32_t start, end;
  char tco[23];  // "https://t.co/" + 10 characters
  const vocab::Link* link;
  std::string_view url() const { return {tco, sizeof tco}; }
};

// The text of one tweet and its entities. Invariant: code_points == number of UTF-8 code
// points in text; entity indices are code point offsets into text, in increasing order.
struct TweetText {
  std::string text;
  uint32_t code_points = 0;
  std::vector<HashtagEntity> hashtags;
  std::vector<MentionEntity> mentions;
  std::vector<UrlEntity> urls;

  void clear() {
    text.clear();
    code_points = 0;
    hashtags.clear();
    mentions.clear();
    urls.clear();
  }
  void add(std::string_view s) {
    text.append(s);
    for (char c : s) code_points += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }
  void add(char c) { add(std::string_view(&c, 1)); }
  // Appends s with its first letter upper-cased (sentence start).
  void add_capitalized(std::string_view s) {
    if (s.empty()) return;
    add(static_cast<char>(std::toupper(static_cast<unsigned char>(s[0]))));
    add(s.substr(1));
  }
  // Appends s in capitals (ASCII): VADER reads ALL-CAPS words as emphasis.
  void add_upper(std::string_view s) {
    for (char c : s) add(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  void space_if_needed() {
    if (!text.empty() && text.back() != ' ') add(' ');
  }
  void add_hashtag(std::string_view tag) {
    uint32_t start = code_points;
    add('#');
    add(tag);
    hashtags.push_back({start, code_points, tag});
  }
  void add_mention(const User& u) {
    uint32_t start = code_points;
    add('@');
    add(u.screen());
    mentions.push_back({start, code_points, u});
  }
  void add_url(Rng& rng) {
    static constexpr char kAlnum[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    UrlEntity e{};
    std::memcpy(e.tco, "https://t.co/", 13);
    for (int i = 13; i < 23; ++i) e.tco[i] = kAlnum[rng.below(62)];
    e.link = &rng.pick(vocab::links());
    e.start = code_points;
    add(e.url());
    e.end = code_points;
    urls.push_back(e);
  }
};

}  // namespace eddy::tweets::synth
