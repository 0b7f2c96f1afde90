// TweetDecoder: what it reads from v1.1 and v2 tweets, and every kind of bad input it skips
// (tried: invalid JSON, truncated line, invalid UTF-8, lone surrogate escape, not an object,
// missing text/lang/time, ill-typed fields, unparsable and out-of-range times, blank lines).
#include "connectors/tweet_decoder.h"

#include <gtest/gtest.h>

#include "engine/line_source.h"

namespace eddy::connectors {
namespace {

using engine::DecodedBlock;
using engine::SkipReason;

struct Decoded {
  DecodedBlock block;
  std::vector<std::string> keys(size_t record) const {
    std::vector<std::string> out;
    size_t begin = record == 0 ? 0 : block.key_end[record - 1];
    for (size_t k = begin; k < block.key_end[record]; ++k) out.emplace_back(block.key(k));
    return out;
  }
  uint64_t skipped(SkipReason r) const { return block.skipped[static_cast<size_t>(r)]; }
};

Decoded decode(const std::vector<std::string>& lines, TweetDecoderOptions o = {}) {
  o.min_time = kFirstTweetTime;
  o.max_time = 4102444800LL * 1000000;  // 2100-01-01
  TweetDecoderFactory f(o);
  auto d = f.create();
  Decoded out;
  for (const std::string& l : lines) {
    std::string padded = l + std::string(engine::kBlockPadding, ' ');
    d->decode(std::string_view(padded.data(), l.size()), padded.size(), &out.block);
  }
  return out;
}

const std::string kV1 =
    R"({"created_at":"Wed Jan 01 00:00:10 +0000 2026","id":1,"id_str":"1","text":"Loving #Café and #x2, not #123 \u00e9 #Tag!","lang":"en","timestamp_ms":"1767225610123"})";

TEST(TweetDecoder, V1HashtagsAndTimestampMs) {
  auto d = decode({kV1});
  ASSERT_EQ(d.block.times.size(), 1u);
  EXPECT_EQ(d.block.times[0], 1767225610123000);
  EXPECT_EQ(d.keys(0), (std::vector<std::string>{"#Café", "#x2", "#Tag"}));
}

TEST(TweetDecoder, NaiveModeIsTheArticlesSplit) {
  TweetDecoderOptions o;
  o.keys = TweetKeys::kHashtagsNaive;
  auto d = decode({kV1}, o);
  EXPECT_EQ(d.keys(0), (std::vector<std::string>{"#Café", "#x2,", "#123", "#Tag!"}));
}

TEST(TweetDecoder, FoldCase) {
  TweetDecoderOptions o;
  o.fold_case = true;
  auto d = decode({kV1}, o);
  EXPECT_EQ(d.keys(0), (std::vector<std::string>{"#café", "#x2", "#tag"}));
}

TEST(TweetDecoder, CreatedAtWhenNoTimestampMs) {
  auto d = decode({R"({"created_at":"Wed Jan 01 00:00:10 +0000 2026","text":"#a","lang":"en"})"});
  ASSERT_EQ(d.block.times.size(), 1u);
  EXPECT_EQ(d.block.times[0], 1767225610LL * 1000000);
}

TEST(TweetDecoder, V2Shape) {
  auto d = decode(
      {R"({"data":{"id":"7","text":"hi #there","created_at":"2026-01-01T00:00:10.500Z","lang":"en"}})"});
  ASSERT_EQ(d.block.times.size(), 1u);
  EXPECT_EQ(d.block.times[0], 1767225610500000);
  EXPECT_EQ(d.keys(0), (std::vector<std::string>{"#there"}));
}

TEST(TweetDecoder, OtherLanguagesAreFilteredNotSkipped) {
  auto d = decode({R"({"text":"#hola","lang":"es","timestamp_ms":"1767225610123"})",
                   R"({"text":"#x","lang":null,"timestamp_ms":"1767225610123"})", "", "   "});
  EXPECT_EQ(d.block.times.size(), 0u);
  EXPECT_EQ(d.block.filtered, 4u);
  EXPECT_EQ(d.block.lines, 4u);
}

TEST(TweetDecoder, BadInputIsSkippedByReason) {
  auto d = decode({
      R"({"text": "#a", "lang": "en", "timestamp_ms": "1767225610123")",  // truncated
      R"({"text": "#a" "lang": "en", "timestamp_ms": "1767225610123"})",  // missing comma
      "{\"text\": \"\xff\xfe #a\", \"lang\": \"en\", \"timestamp_ms\": \"1767225610123\"}",  // bad
                                                                                             // UTF-8
      R"([1, 2, 3, {}])",                                                   // not an object
      R"({"lang": "en", "timestamp_ms": "1767225610123"})",                 // no text
      R"({"text": "#a", "timestamp_ms": "1767225610123"})",                 // no lang
      R"({"text": "#a", "lang": "en"})",                                    // no time
      R"({"text": 42, "lang": "en", "timestamp_ms": "1767225610123"})",     // text not a string
      R"({"text": "#a", "lang": "en", "timestamp_ms": "soon"})",            // time not a number
      R"({"text": "#a", "lang": "en", "created_at": "yesterday"})",         // unparsable date
      R"({"text": "#a", "lang": "en", "timestamp_ms": "99999999999999"})",  // year 5138
      R"({"text": "#a", "lang": "en", "timestamp_ms": "1000"})",            // 1970
      R"({"text": "#a", "lang": "en", "timestamp_ms": {"x": 1}})",          // object as time
      R"({"text": "\ud800 #a", "lang": "en", "timestamp_ms": "1767225610123"})",  // lone surrogate
  });
  EXPECT_EQ(d.block.times.size(), 0u);
  EXPECT_EQ(d.block.lines, 14u);
  EXPECT_EQ(d.skipped(SkipReason::kInvalidJson) + d.skipped(SkipReason::kInvalidUtf8), 4u);
  EXPECT_EQ(d.skipped(SkipReason::kInvalidUtf8), 1u);
  EXPECT_EQ(d.skipped(SkipReason::kMissingField), 3u);
  EXPECT_EQ(d.skipped(SkipReason::kWrongType), 5u);
  EXPECT_EQ(d.skipped(SkipReason::kTimeOutOfRange), 2u);
  EXPECT_FALSE(d.block.first_problem.empty());
  EXPECT_EQ(d.block.first_problem_line, 0u);
}

TEST(TweetDecoder, DetectLanguageIgnoresTheLangField) {
  TweetDecoderOptions o;
  o.detect_language = true;
  auto d = decode(
      {R"({"text":"The weather is lovely today and we are going to the beach #sun","lang":"es","timestamp_ms":"1767225610123"})",
       R"({"text":"Hoy hace muy buen tiempo y vamos a ir a la playa con mis amigos #sol","timestamp_ms":"1767225610123"})"},
      o);
  ASSERT_EQ(d.block.times.size(), 1u);
  EXPECT_EQ(d.keys(0), (std::vector<std::string>{"#sun"}));
  EXPECT_EQ(d.block.filtered, 1u);
}

TEST(TweetDecoder, ProcessingTimeModeNeedsNoTimestamp) {
  TweetDecoderOptions o;
  o.read_time = false;
  auto d = decode({R"({"text":"#a","lang":"en"})"}, o);
  EXPECT_EQ(d.block.times.size(), 1u);
}

}  // namespace
}  // namespace eddy::connectors
