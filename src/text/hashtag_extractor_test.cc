#include "text/hashtag_extractor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace eddy::text {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> tags_of(std::string_view text) {
  std::vector<Hashtag> found;
  extract_hashtags(text, &found);
  std::vector<std::string> tags;
  for (const Hashtag& h : found) tags.emplace_back(h.tag);
  return tags;
}

std::vector<std::string> naive_of(std::string_view text) {
  std::vector<std::string_view> found;
  extract_hashtags_naive(text, &found);
  return {found.begin(), found.end()};
}

std::string folded(std::string_view s) {
  std::string out = "stale";
  fold_case(s, &out);
  return out;
}

// twitter-text's conformance cases (tests/data/twitter-text, from conformance/extract.yml).
class TwitterTextConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = YAML::LoadFile(std::string(EDDY_SOURCE_DIR) +
                           "/tests/data/twitter-text/extract-hashtags.yml")["tests"];
  }
  YAML::Node root_;
};

TEST_F(TwitterTextConformance, AllSeventySixCasesPass) {
  int cases = 0;
  for (const char* section : {"hashtags", "hashtags_from_astral"}) {
    for (const YAML::Node& c : root_[section]) {
      ++cases;
      const auto text = c["text"].as<std::string>();
      const auto expected = c["expected"].as<std::vector<std::string>>();
      EXPECT_EQ(tags_of(text), expected)
          << section << ": " << c["description"].as<std::string>() << "\n  text: " << text;
    }
  }
  for (const YAML::Node& c : root_["hashtags_with_indices"]) {
    ++cases;
    const auto text = c["text"].as<std::string>();
    std::vector<Hashtag> found;
    extract_hashtags(text, &found);
    const YAML::Node expected = c["expected"];
    ASSERT_EQ(found.size(), expected.size()) << c["description"].as<std::string>();
    for (size_t i = 0; i < found.size(); ++i) {
      EXPECT_EQ(found[i].tag, expected[i]["hashtag"].as<std::string>());
      EXPECT_EQ(found[i].start, expected[i]["indices"][0].as<uint32_t>()) << text;
      EXPECT_EQ(found[i].end, expected[i]["indices"][1].as<uint32_t>()) << text;
    }
  }
  EXPECT_EQ(cases, 76);
}

TEST(ExtractHashtags, AppendsWithoutClearing) {
  std::vector<Hashtag> out;
  extract_hashtags("#one", &out);
  extract_hashtags("and #two", &out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].tag, "one");
  EXPECT_EQ(out[1].tag, "two");
  EXPECT_EQ(out[1].start, 4u);
}

TEST(ExtractHashtags, TagIsAViewIntoTheInput) {
  const std::string text = "go #team";
  std::vector<Hashtag> out;
  extract_hashtags(text, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].tag.data(), text.data() + 4);
}

TEST(ExtractHashtags, IndicesCountCodePointsNotUtf16UnitsOrBytes) {
  // U+1F600 is one code point, two UTF-16 units, four UTF-8 bytes.
  std::vector<Hashtag> out;
  extract_hashtags("\U0001F600 #a é#b ＃c", &out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].start, 2u);
  EXPECT_EQ(out[0].end, 4u);
  EXPECT_EQ(out[1].tag, "c");  // "#b" follows the letter é
  EXPECT_EQ(out[1].start, 9u);
  EXPECT_EQ(out[1].end, 11u);
}

TEST(ExtractHashtags, RegexBoundaryQuirks) {
  EXPECT_THAT(tags_of("##a"), ElementsAre("a"));        // the first '#' is the boundary
  EXPECT_THAT(tags_of("#a#b"), IsEmpty());              // "#a" followed by '#', "#b" after a letter
  EXPECT_THAT(tags_of("#a\uFE0F#b"), IsEmpty());        // rejected "#a️" consumed the U+FE0F
  EXPECT_THAT(tags_of("x\uFE0F#b"), ElementsAre("b"));  // U+FE0F may precede a hash mark
  EXPECT_THAT(tags_of("a&#b c_#d e1#f"), IsEmpty());
  EXPECT_THAT(tags_of("#\uFE0F\u20E3 #\u20E3x #️⃣"), IsEmpty());  // keycap emoji
  EXPECT_THAT(tags_of("#a://b #c"), ElementsAre("c"));
  EXPECT_THAT(tags_of("#a＃b"), IsEmpty());
  EXPECT_THAT(tags_of("#"), IsEmpty());
  EXPECT_THAT(tags_of(""), IsEmpty());
  EXPECT_THAT(tags_of("#123_a"), ElementsAre("123_a"));
  EXPECT_THAT(tags_of("#Straße #ŒUVRE"), ElementsAre("Straße", "ŒUVRE"));
}

TEST(ExtractHashtags, HashtagsInsideUrlsAreDropped) {
  EXPECT_THAT(tags_of("see https://example.com/path/#frag now"), IsEmpty());
  EXPECT_THAT(tags_of("see example.com/#frag"), IsEmpty());
  EXPECT_THAT(tags_of("see example.com/a?b=1,#frag"), IsEmpty());
  EXPECT_THAT(tags_of("http://en.wikipedia.org/wiki/Foo_(bar)#History"), IsEmpty());
  EXPECT_THAT(tags_of("https://example.com:8080/#x"), IsEmpty());
  // Not URLs: no domain, no TLD, a space, or the hashtag starts the token.
  EXPECT_THAT(tags_of("and/#or (#paren) x.1/#y http://a.com/ #z #w.com/x"),
              ElementsAre("or", "paren", "y", "z", "w"));
  // Several hash marks in one URL, and one after it.
  EXPECT_THAT(tags_of("a.com/#x/#y/#z), #after"), ElementsAre("after"));
}

TEST(ExtractHashtags, InvalidUtf8IsNeverPartOfATag) {
  EXPECT_THAT(tags_of("\xff#tag"), ElementsAre("tag"));
  EXPECT_THAT(tags_of("#ta\xffg"), ElementsAre("ta"));
  EXPECT_THAT(tags_of("#\xe3\x81"), IsEmpty());                  // truncated sequence at the end
  EXPECT_THAT(tags_of("\xe3\x81#tag"), ElementsAre("tag"));      // truncated sequence before '#'
  EXPECT_THAT(tags_of("\xc0\xa3#x"), ElementsAre("x"));          // overlong
  EXPECT_THAT(tags_of("\xed\xa0\x80#x"), ElementsAre("x"));      // UTF-8-encoded surrogate
  EXPECT_THAT(tags_of("#a\xf4\x90\x80\x80"), ElementsAre("a"));  // above U+10FFFF
  EXPECT_THAT(tags_of("\xef\xbc"), IsEmpty());                   // truncated '＃'
  EXPECT_THAT(tags_of("\xef\xbc#a"), ElementsAre("a"));
  EXPECT_THAT(tags_of("\x80\x80\x80#a\x80"), ElementsAre("a"));
  std::vector<Hashtag> out;
  extract_hashtags("\xff\xfe #a", &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].start, 3u);  // each bad byte counts as one character
  EXPECT_EQ(out[0].end, 5u);
}

TEST(ExtractHashtags, NulBytesAreOrdinaryNonTagCharacters) {
  using namespace std::string_view_literals;
  EXPECT_THAT(tags_of("#a\0b"sv), ElementsAre("a"));
  EXPECT_THAT(tags_of("\0#a"sv), ElementsAre("a"));
  EXPECT_THAT(tags_of("\0\0\0"sv), IsEmpty());
}

TEST(ExtractHashtags, HugeInputsStayLinear) {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "word #tag1 ";
  std::vector<Hashtag> out;
  extract_hashtags(text, &out);
  ASSERT_EQ(out.size(), 100000u);
  EXPECT_EQ(out.back().start, 99999u * 11 + 5);

  std::string one_tag = "#" + std::string(1 << 20, 'x');
  out.clear();
  extract_hashtags(one_tag, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].tag.size(), 1u << 20);

  // Adversarial for the URL check: one long URL full of hash marks, and many short tokens.
  // (No wall-clock bound here — speed is the benchmarks' business; a quadratic scan of these
  // 600 kB inputs would take minutes and stand out in the test tier's run time.)
  std::string url = "x.com/";
  for (int i = 0; i < 200000; ++i) url += "#a/";
  std::string punct;
  for (int i = 0; i < 200000; ++i) punct += ",é,/#a";
  out.clear();
  extract_hashtags(url, &out);
  EXPECT_THAT(out, IsEmpty());
  extract_hashtags(punct, &out);
  EXPECT_EQ(out.size(), 200000u);
}

TEST(ExtractHashtagsNaive, SplitsOnSingleSpacesOnly) {
  EXPECT_THAT(naive_of("a  #x #y, #"), ElementsAre("#x", "#y,", "#"));
  EXPECT_THAT(naive_of("#lead and #trail"), ElementsAre("#lead", "#trail"));
  EXPECT_THAT(naive_of("  #a   #b  "), ElementsAre("#a", "#b"));
  EXPECT_THAT(naive_of("x\t#tab #ok\n#nl"), ElementsAre("#ok\n#nl"));  // only ' ' separates
  EXPECT_THAT(naive_of("a#b ##c #d#e"), ElementsAre("##c", "#d#e"));
  EXPECT_THAT(naive_of(""), IsEmpty());
  EXPECT_THAT(naive_of("    "), IsEmpty());
  EXPECT_THAT(naive_of("#"), ElementsAre("#"));
  EXPECT_THAT(naive_of("＃wide #\xff\x80"), ElementsAre("#\xff\x80"));
}

TEST(ExtractHashtagsNaive, AppendsWithoutClearing) {
  std::vector<std::string_view> out{"#kept"};
  extract_hashtags_naive("#new", &out);
  EXPECT_THAT(out, ElementsAre("#kept", "#new"));
}

TEST(FoldCase, LowerCasesAsciiAndUnicodeLetters) {
  EXPECT_EQ(folded("HashTag_123"), "hashtag_123");
  EXPECT_EQ(folded("ÉCOLE"), "école");
  EXPECT_EQ(folded("МОСКВА"), "москва");
  EXPECT_EQ(folded("ΑΘΗΝΑ"), "αθηνα");
  EXPECT_EQ(folded("ΣΊΣΥΦΟΣ"), "σίσυφοσ");        // simple folding: no final-sigma rule
  EXPECT_EQ(folded("ＡＢＣ"), "ａｂｃ");          // fullwidth
  EXPECT_EQ(folded("\u212A"), "k");               // KELVIN SIGN folds to ASCII (output shrinks)
  EXPECT_EQ(folded("\U00010400"), "\U00010428");  // Deseret, astral plane
  EXPECT_EQ(folded("漢字カタカナ"), "漢字カタカナ");
  EXPECT_EQ(folded(""), "");
}

TEST(FoldCase, CopiesInvalidBytesThrough) {
  using namespace std::string_view_literals;
  EXPECT_EQ(folded("A\xff\xc3"sv), "a\xff\xc3");
  EXPECT_EQ(folded("\0B"sv), "\0b"sv);
}

}  // namespace
}  // namespace eddy::text
