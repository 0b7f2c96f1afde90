// TweetGenerator: determinism, the v1.1 and v2 shapes, event times, the language and
// sentiment mix (measured with Eddy's own CLD2 and VADER), entity indices against the
// twitter-text extractor, trending hashtags over event time, and the `eddy gen tweets` CLI.
#include "tweets/tweet_generator.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/time_format.h"
#include "text/hashtag_extractor.h"
#include "text/language_detector.h"
#include "text/sentiment_analyzer.h"

namespace eddy::tweets {
namespace {

using nlohmann::json;

std::vector<std::string> generate(const TweetGeneratorOptions& o) {
  TweetGenerator g(o);
  std::vector<std::string> lines;
  std::string line;
  while (g.next(&line)) lines.push_back(line);
  return lines;
}

TweetGeneratorOptions options(uint64_t count, uint64_t seed = 42) {
  TweetGeneratorOptions o;
  o.count = count;
  o.seed = seed;
  return o;
}

// The code points [start, end) of UTF-8 `s`.
std::string code_point_substr(const std::string& s, uint32_t start, uint32_t end) {
  size_t cp = 0, begin = std::string::npos, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (cp == start) begin = i;
    if (cp == end) break;
    ++cp;
  }
  if (begin == std::string::npos) return "<out of range>";
  return s.substr(begin, i - begin);
}

TEST(TweetGeneratorTest, SameOptionsGiveTheSameBytes) {
  auto a = generate(options(3000));
  auto b = generate(options(3000));
  EXPECT_EQ(a, b);
  auto c = generate(options(3000, 43));
  EXPECT_NE(a, c);
  // A generator can be moved and re-created (GeneratorSource::seek does).
  TweetGenerator g(options(10));
  std::string first;
  ASSERT_TRUE(g.next(&first));
  g = TweetGenerator(options(10));
  std::string again;
  ASSERT_TRUE(g.next(&again));
  EXPECT_EQ(first, again);
}

TEST(TweetGeneratorTest, ProducesExactlyCountTweets) {
  TweetGenerator g(options(5));
  std::string line;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(g.next(&line));
  line = "untouched";
  EXPECT_FALSE(g.next(&line));
  EXPECT_EQ(line, "untouched");
  EXPECT_EQ(g.produced(), 5u);
  TweetGenerator none(options(0));
  EXPECT_FALSE(none.next(&line));
}

TEST(TweetGeneratorTest, V1LinesHaveTheApiFieldsAndTypes) {
  TweetGeneratorOptions o = options(5000);
  o.rate = 250;
  size_t bytes = 0;
  Micros previous = INT64_MIN;
  std::map<std::string, int> seen;  // features the issue asks for
  for (const std::string& line : generate(o)) {
    bytes += line.size() + 1;
    ASSERT_EQ(line.find('\n'), std::string::npos);
    json j;
    ASSERT_NO_THROW(j = json::parse(line)) << line;  // also rejects invalid UTF-8
    ASSERT_TRUE(j["created_at"].is_string()) << line;
    ASSERT_TRUE(j["id"].is_number_unsigned()) << line;
    EXPECT_EQ(j["id_str"].get<std::string>(), std::to_string(j["id"].get<uint64_t>()));
    ASSERT_TRUE(j["text"].is_string());
    ASSERT_TRUE(j["lang"].is_string());
    const json& user = j["user"];
    ASSERT_TRUE(user["id"].is_number_unsigned()) << line;
    EXPECT_EQ(user["id_str"].get<std::string>(), std::to_string(user["id"].get<uint64_t>()));
    ASSERT_TRUE(user["name"].is_string());
    ASSERT_TRUE(user["screen_name"].is_string());
    ASSERT_TRUE(user["followers_count"].is_number_unsigned());
    const json& e = j["entities"];
    ASSERT_TRUE(e["hashtags"].is_array() && e["urls"].is_array() && e["user_mentions"].is_array());
    // timestamp_ms is a string, as the v1.1 API sends it, and agrees with created_at.
    ASSERT_TRUE(j["timestamp_ms"].is_string()) << line;
    int64_t ms = std::stoll(j["timestamp_ms"].get<std::string>());
    Micros created;
    ASSERT_TRUE(parse_twitter_time(j["created_at"].get<std::string>(), &created)) << line;
    EXPECT_EQ(created, ms / 1000 * 1000000) << line;
    EXPECT_GE(ms * 1000, previous) << "event times must never decrease";
    previous = ms * 1000;

    const std::string text = j["text"];
    for (std::string_view tag : {"#café", "#東京", "#мир", "#日本"})
      if (text.find(tag) != std::string::npos) seen[std::string(tag)]++;
    for (std::string_view s :
         {"(#", "https://t.co/", "😂", "😍", "🔥", "😡", "👍", "❤️", "😭", "🙏", "\"", "\\"})
      if (text.find(s) != std::string::npos) seen[std::string(s)]++;
    for (const json& h : e["hashtags"]) {
      char after = 0;
      uint32_t end = h["indices"][1];
      std::string t = code_point_substr(text, end, end + 1);
      if (t.size() == 1) after = t[0];
      if (after == ',' || after == '!' || after == '.') seen["#tag" + std::string(1, after)]++;
    }
    if (!e["user_mentions"].empty()) seen["@"]++;
    if (j.contains("in_reply_to_screen_name")) seen["reply"]++;
    for (size_t i = 0; i + 4 < text.size(); ++i)
      if (std::isupper(static_cast<unsigned char>(text[i])) &&
          std::isupper(static_cast<unsigned char>(text[i + 1])) &&
          std::isupper(static_cast<unsigned char>(text[i + 2])) &&
          std::isupper(static_cast<unsigned char>(text[i + 3])) && text[i + 4] != '_' &&
          text.rfind('#', i) == std::string::npos) {
        seen["CAPS"]++;
        break;
      }
  }
  for (std::string_view f :
       {"#café",         "#東京", "#мир",  "#日本", "(#", "#tag,", "#tag!", "#tag.",
        "https://t.co/", "@",     "reply", "😂",     "😍",  "🔥",     "😡",     "👍",
        "❤️",        "😭",     "🙏",     "\"",    "\\", "CAPS"})
    EXPECT_GT(seen[std::string(f)], 0) << "no tweet has " << f;
  // Size: the issue asks for ~350-400 bytes; the fields it requires with real 19-digit ids
  // already take ~400, so allow up to 520.
  double mean = double(bytes) / o.count;
  EXPECT_GT(mean, 300);
  EXPECT_LT(mean, 520);
}

TEST(TweetGeneratorTest, EventTimesFollowTheRate) {
  TweetGeneratorOptions o = options(20000);
  o.rate = 1000;
  auto start = parse_instant("2026-03-01T12:00:00Z");
  ASSERT_TRUE(start.is_ok());
  o.start = *start;
  auto lines = generate(o);
  int64_t first = std::stoll(json::parse(lines.front())["timestamp_ms"].get<std::string>());
  int64_t last = std::stoll(json::parse(lines.back())["timestamp_ms"].get<std::string>());
  EXPECT_EQ(first / 1000, *start / 1000000);
  EXPECT_NEAR(double(last - first), 20000.0, 5.0);  // 20000 tweets at 1000/s: 20 s
}

TEST(TweetGeneratorTest, LanguagesAreMixedAndRecognisable) {
  std::map<std::string, int> count, agree;
  auto lines = generate(options(20000));
  for (const std::string& line : lines) {
    json j = json::parse(line);
    std::string lang = j["lang"], text = j["text"];
    count[lang]++;
    if (text::LanguageDetector::detect(text) == lang) agree[lang]++;
  }
  double n = double(lines.size());
  EXPECT_NEAR(count["en"] / n, 0.55, 0.02);
  for (std::string lang : {"es", "pt", "fr", "de", "ja", "ar", "ru", "ko", "tr", "hi", "und"})
    EXPECT_GT(count[lang] / n, 0.01) << lang;
  // CLD2 (what `eddy text lang` uses) recognises the text as its `lang`.
  for (std::string lang : {"en", "es", "pt", "fr", "de", "ja", "ar", "ru", "ko", "tr", "hi"})
    EXPECT_GT(double(agree[lang]) / count[lang], 0.9) << lang;
}

TEST(TweetGeneratorTest, EnglishSentimentMixLooksLikeTheArticle) {
  auto analyzer = text::SentimentAnalyzer::create();
  ASSERT_TRUE(analyzer.is_ok()) << analyzer.status().to_string();
  std::map<text::SentimentClass, int> classes;
  int english = 0;
  for (const std::string& line : generate(options(20000))) {
    json j = json::parse(line);
    if (j["lang"] != "en") continue;
    ++english;
    classes[(*analyzer)->classify(j["text"].get<std::string>())]++;
  }
  using C = text::SentimentClass;
  auto share = [&](C c) { return double(classes[c]) / english; };
  // NEUTRAL largest, then NEGATIVE, then POSITIVE; a few VERY_* and NOT_UNDERSTOOD.
  EXPECT_GT(share(C::kNeutral), 0.4);
  EXPECT_GT(share(C::kNeutral), share(C::kNegative));
  EXPECT_GT(share(C::kNegative), share(C::kPositive));
  EXPECT_GT(share(C::kPositive), 0.08);
  for (C c : {C::kVeryPositive, C::kVeryNegative, C::kNotUnderstood}) {
    EXPECT_GT(share(c), 0.003) << text::sentiment_class_name(c);
    EXPECT_LT(share(c), 0.08) << text::sentiment_class_name(c);
  }
}

TEST(TweetGeneratorTest, EntityIndicesMatchTheTwitterTextExtractor) {
  int hashtags = 0;
  for (TweetFormat format : {TweetFormat::kV1, TweetFormat::kV2}) {
    TweetGeneratorOptions o = options(20000);
    o.format = format;
    for (const std::string& line : generate(o)) {
      json j = json::parse(line);
      const json& t = format == TweetFormat::kV1 ? j : j["data"];
      std::string text = t["text"];
      std::vector<text::Hashtag> expected;
      text::extract_hashtags(text, &expected);
      json none = json::array();
      const json& e = t.contains("entities") ? t["entities"] : json::object();
      const json& tags = e.contains("hashtags") ? e["hashtags"] : none;
      ASSERT_EQ(tags.size(), expected.size()) << line;
      for (size_t i = 0; i < expected.size(); ++i) {
        const json& h = tags[i];
        if (format == TweetFormat::kV1) {
          EXPECT_EQ(h["text"].get<std::string>(), expected[i].tag) << line;
          EXPECT_EQ(h["indices"][0].get<uint32_t>(), expected[i].start) << line;
          EXPECT_EQ(h["indices"][1].get<uint32_t>(), expected[i].end) << line;
        } else {
          EXPECT_EQ(h["tag"].get<std::string>(), expected[i].tag) << line;
          EXPECT_EQ(h["start"].get<uint32_t>(), expected[i].start) << line;
          EXPECT_EQ(h["end"].get<uint32_t>(), expected[i].end) << line;
        }
        ++hashtags;
      }
      // Mentions and URLs: the indexed code points are "@screen_name" and the t.co link.
      if (format == TweetFormat::kV1) {
        for (const json& m : e["user_mentions"])
          EXPECT_EQ(code_point_substr(text, m["indices"][0], m["indices"][1]),
                    "@" + m["screen_name"].get<std::string>())
              << line;
        for (const json& u : e["urls"])
          EXPECT_EQ(code_point_substr(text, u["indices"][0], u["indices"][1]),
                    u["url"].get<std::string>())
              << line;
      } else if (e.contains("mentions")) {
        for (const json& m : e["mentions"])
          EXPECT_EQ(code_point_substr(text, m["start"], m["end"]),
                    "@" + m["username"].get<std::string>())
              << line;
      }
    }
  }
  EXPECT_GT(hashtags, 10000);
}

TEST(TweetGeneratorTest, V2HasTheFilteredStreamShape) {
  TweetGeneratorOptions o = options(2000);
  o.format = TweetFormat::kV2;
  TweetGeneratorOptions o1 = o;
  o1.format = TweetFormat::kV1;
  auto v1 = generate(o1);
  auto v2 = generate(o);
  ASSERT_EQ(v1.size(), v2.size());
  for (size_t i = 0; i < v2.size(); ++i) {
    json j = json::parse(v2[i]);
    ASSERT_EQ(j.size(), 1u) << v2[i];
    const json& d = j["data"];
    for (const char* k : {"id", "text", "created_at", "lang", "author_id"})
      ASSERT_TRUE(d[k].is_string()) << k << ": " << v2[i];
    // The same tweet as v1: same id, text, language and millisecond.
    json a = json::parse(v1[i]);
    EXPECT_EQ(d["id"], a["id_str"]);
    EXPECT_EQ(d["text"], a["text"]);
    EXPECT_EQ(d["lang"], a["lang"]);
    EXPECT_EQ(d["author_id"], a["user"]["id_str"]);
    Micros t;
    std::string created = d["created_at"];
    ASSERT_EQ(created.size(), 24u) << created;  // 2026-01-01T00:00:00.000Z
    ASSERT_TRUE(parse_rfc3339(created, &t)) << created;
    EXPECT_EQ(t / 1000, std::stoll(a["timestamp_ms"].get<std::string>()));
    if (d.contains("entities")) {
      for (auto& [key, value] : d["entities"].items()) EXPECT_FALSE(value.empty()) << key;
    }
  }
}

// The top hashtags of English tweets over [from, to) minutes of event time.
std::vector<std::string> top_hashtags(const std::vector<json>& tweets, int from, int to, size_t k) {
  std::map<std::string, int> counts;
  for (const json& j : tweets) {
    int64_t minute = (std::stoll(j["timestamp_ms"].get<std::string>()) - 1767225600000) / 60000;
    if (minute < from || minute >= to || j["lang"] != "en") continue;
    for (const json& h : j["entities"]["hashtags"]) counts[h["text"]]++;
  }
  std::vector<std::pair<int, std::string>> v;
  for (auto& [tag, n] : counts) v.push_back({-n, tag});
  std::sort(v.begin(), v.end());
  std::vector<std::string> top;
  for (size_t i = 0; i < k && i < v.size(); ++i) top.push_back(v[i].second);
  return top;
}

TEST(TweetGeneratorTest, TrendingHashtagsRiseAndFallOverEventTime) {
  TweetGeneratorOptions o = options(36000);
  o.rate = 10;  // one hour of event time
  std::vector<json> tweets;
  for (const std::string& line : generate(o)) tweets.push_back(json::parse(line));
  auto first = top_hashtags(tweets, 0, 10, 1);
  ASSERT_EQ(first.size(), 1u);
  bool top1_changed = false;
  for (int from = 10; from < 60; from += 10)
    top1_changed |= top_hashtags(tweets, from, from + 10, 1) != first;
  EXPECT_TRUE(top1_changed);
  // The top 5 of a 30-minute window changes within the hour.
  EXPECT_NE(top_hashtags(tweets, 0, 30, 5), top_hashtags(tweets, 30, 60, 5));
  // Zipf: the popular tags carry much of the volume, and there are thousands of tags.
  std::map<std::string, int> all;
  int total = 0;
  for (const json& j : tweets)
    for (const json& h : j["entities"]["hashtags"]) all[h["text"]]++, ++total;
  EXPECT_GT(all.size(), 1000u);
  std::vector<int> counts;
  for (auto& [tag, n] : all) counts.push_back(n);
  std::sort(counts.rbegin(), counts.rend());
  int top20 = 0;
  for (int i = 0; i < 20; ++i) top20 += counts[i];
  EXPECT_GT(double(top20) / total, 0.25);
}

// --- The CLI ---------------------------------------------------------------------------------

struct ShellRun {
  int exit_code;
  std::string out;
};

ShellRun run_shell(const std::string& command) {
  ShellRun r{-1, ""};
  FILE* p = ::popen(("bash -c '" + command + "' 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

const std::string kEddy = EDDY_BINARY;

TEST(TweetGeneratorCliTest, BadFlagValuesFailClearly) {
  struct Case {
    std::string flags, message;
  } cases[] = {
      {"--format v3", "--format: expected v1 or v2, got 'v3'"},
      {"--rate 0", "--rate"},
      {"--rate=-5", "--rate"},
      {"--rate abc", "--rate"},
      {"--start yesterday", "--start"},
      {"--count 12x", "--count"},
      {"--seed=-1", "--seed"},
  };
  for (const Case& c : cases) {
    ShellRun r = run_shell(kEddy + " gen tweets " + c.flags);
    EXPECT_EQ(r.exit_code, 3) << c.flags << ": " << r.out;
    EXPECT_NE(r.out.find(c.message), std::string::npos) << c.flags << ": " << r.out;
  }
  ShellRun missing = run_shell(kEddy + " gen tweets --output /nonexistent-dir/x.jsonl");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.out.find("/nonexistent-dir/x.jsonl"), std::string::npos) << missing.out;
}

TEST(TweetGeneratorCliTest, WritesTheLibraryOutputToStdoutAndFiles) {
  TweetGeneratorOptions o = options(500, 7);
  o.rate = 20;
  o.format = TweetFormat::kV2;
  o.start = 1767225600000LL * 1000;
  std::string expected;
  for (const std::string& line : generate(o)) expected += line + "\n";
  const std::string flags =
      " gen tweets --count 500 --seed 7 --rate 20 --format v2 --start 1767225600000";
  ShellRun r = run_shell(kEddy + flags);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, expected);
  std::string path = (std::filesystem::temp_directory_path() /
                      ("eddy_gen_" + std::to_string(::getpid()) + ".jsonl"))
                         .string();
  ShellRun f = run_shell(kEddy + flags + " --output " + path);
  EXPECT_EQ(f.exit_code, 0) << f.out;
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_EQ(s.str(), expected);
  std::filesystem::remove(path);
}

TEST(TweetGeneratorCliTest, ClosedPipeEndsQuietly) {
  ShellRun r = run_shell(
      kEddy + " gen tweets --count 10000000 | head -n 2 >/dev/null; exit ${PIPESTATUS[0]}");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace eddy::tweets
