// Unit tests of SentimentAnalyzer: the outputs vaderSentiment 3.3.2 publishes in its README,
// the original's quirks that Eddy keeps, the class mapping, tweet clean-up, lexicon loading
// errors and concurrent use. Parity against the reference on many sentences is in
// sentiment_parity_test.cc.
#include "text/sentiment_analyzer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <thread>

namespace eddy::text {
namespace {

class SentimentAnalyzerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto a = SentimentAnalyzer::create();
    ASSERT_TRUE(a.is_ok()) << a.status().to_string();
    analyzer_ = std::move(a).value().release();
  }
  static void TearDownTestSuite() { delete analyzer_; }
  static SentimentAnalyzer* analyzer_;
};
SentimentAnalyzer* SentimentAnalyzerTest::analyzer_ = nullptr;

struct Published {
  const char* text;
  double neg, neu, pos, compound;
};

// The demo output printed in vaderSentiment 3.3.2's README (cjhutto/vaderSentiment).
TEST_F(SentimentAnalyzerTest, MatchesTheOriginalsPublishedOutput) {
  const Published cases[] = {
      {"VADER is smart, handsome, and funny.", 0.0, 0.254, 0.746, 0.8316},
      {"VADER is smart, handsome, and funny!", 0.0, 0.248, 0.752, 0.8439},
      {"VADER is very smart, handsome, and funny.", 0.0, 0.299, 0.701, 0.8545},
      {"VADER is VERY SMART, handsome, and FUNNY.", 0.0, 0.246, 0.754, 0.9227},
      {"VADER is VERY SMART, handsome, and FUNNY!!!", 0.0, 0.233, 0.767, 0.9342},
      {"VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!", 0.0, 0.294, 0.706, 0.9469},
      {"VADER is not smart, handsome, nor funny.", 0.646, 0.354, 0.0, -0.7424},
      {"The book was good.", 0.0, 0.508, 0.492, 0.4404},
      {"At least it isn't a horrible book.", 0.0, 0.678, 0.322, 0.431},
      {"The book was only kind of good.", 0.0, 0.697, 0.303, 0.3832},
      {"The plot was good, but the characters are uncompelling and the dialog is not great.", 0.327,
       0.579, 0.094, -0.7042},
      {"Today SUX!", 0.779, 0.221, 0.0, -0.5461},
      {"Today only kinda sux! But I'll get by, lol", 0.127, 0.556, 0.317, 0.5249},
      {"Make sure you :) or :D today!", 0.0, 0.294, 0.706, 0.8633},
      {"Catch utf-8 emoji such as such as \xF0\x9F\x92\x98 and \xF0\x9F\x92\x8B and "
       "\xF0\x9F\x98\x81",
       0.0, 0.615, 0.385, 0.875},
      {"Not bad at all", 0.0, 0.513, 0.487, 0.431},
      {"Watch the rose wilt.", 0.0, 1.0, 0.0, 0.0},
  };
  for (const auto& c : cases) {
    const SentimentScores s = analyzer_->polarity_scores(c.text);
    EXPECT_DOUBLE_EQ(s.compound, c.compound) << c.text;
    EXPECT_DOUBLE_EQ(s.neg, c.neg) << c.text;
    EXPECT_DOUBLE_EQ(s.neu, c.neu) << c.text;
    EXPECT_DOUBLE_EQ(s.pos, c.pos) << c.text;
  }
}

TEST_F(SentimentAnalyzerTest, EmptyAndWhitespaceTextScoresZero) {
  for (const char* t : {"", "   ", "\t\n", "\xC2\xA0"}) {
    const SentimentScores s = analyzer_->polarity_scores(t);
    EXPECT_EQ(s.compound, 0.0);
    EXPECT_EQ(s.neu, 0.0);
  }
}

// Quirks of the original that Eddy keeps (see sentiment_analyzer.h).
TEST_F(SentimentAnalyzerTest, KeepsTheOriginalsTokenisation) {
  // "ok!" strips to "ok" (2 chars) so the token stays "ok!" and misses the lexicon.
  EXPECT_EQ(analyzer_->polarity_scores("ok!").compound, 0.0);
  EXPECT_GT(analyzer_->polarity_scores("ok").compound, 0.0);
  // "good!!!" strips to "good": found, and the three '!' amplify it.
  EXPECT_GT(analyzer_->polarity_scores("good!!!").compound,
            analyzer_->polarity_scores("good").compound);
}

TEST_F(SentimentAnalyzerTest, IdiomsNeedThreePrecedingTokens) {
  // "the shit" is +3 only when the idiom check runs, i.e. with three tokens before "shit".
  EXPECT_LT(analyzer_->polarity_scores("the shit").compound, 0.0);
  EXPECT_GT(analyzer_->polarity_scores("this movie is the shit").compound, 0.0);
}

TEST_F(SentimentAnalyzerTest, ButReweightsScoresFoundByValue) {
  // "glad"=2.0, "alright"=1.0. The original halves glad to 1.0; then, looking for alright's 1.0
  // with list.index(), it finds glad's slot again (before "but"), halves it to 0.5 and leaves
  // alright unweighted: 0.5 + 1.0 = 1.5, not 1.0 + 1.5 = 2.5. vaderSentiment 3.3.2: 0.3612.
  EXPECT_DOUBLE_EQ(analyzer_->polarity_scores("glad but alright").compound, 0.3612);
  EXPECT_NEAR(0.3612, 1.5 / std::sqrt(1.5 * 1.5 + 15), 1e-4);
}

TEST_F(SentimentAnalyzerTest, EmojiAreScoredByTheirDescription) {
  EXPECT_GT(analyzer_->polarity_scores("\xF0\x9F\x98\x81").compound, 0.0);  // beaming face...
  // Glued to a word, the description runs into it ("...eyesgreat"), as in the original.
  EXPECT_EQ(analyzer_->polarity_scores("\xF0\x9F\x98\x81great").compound,
            analyzer_->polarity_scores("beaming face with smiling eyesgreat").compound);
}

TEST_F(SentimentAnalyzerTest, AllCapsEmphasisOnlyWhenTextMixesCase) {
  EXPECT_EQ(analyzer_->polarity_scores("GREAT MOVIE").compound,
            analyzer_->polarity_scores("great movie").compound);
  EXPECT_GT(analyzer_->polarity_scores("GREAT movie").compound,
            analyzer_->polarity_scores("great movie").compound);
}

TEST(SentimentClassTest, ThresholdsAreInclusiveAsDocumented) {
  EXPECT_EQ(sentiment_class_of(-1.0), SentimentClass::kVeryNegative);
  EXPECT_EQ(sentiment_class_of(-0.6), SentimentClass::kVeryNegative);
  EXPECT_EQ(sentiment_class_of(-0.5999), SentimentClass::kNegative);
  EXPECT_EQ(sentiment_class_of(-0.05), SentimentClass::kNegative);
  EXPECT_EQ(sentiment_class_of(-0.0499), SentimentClass::kNeutral);
  EXPECT_EQ(sentiment_class_of(0.0), SentimentClass::kNeutral);
  EXPECT_EQ(sentiment_class_of(0.0499), SentimentClass::kNeutral);
  EXPECT_EQ(sentiment_class_of(0.05), SentimentClass::kPositive);
  EXPECT_EQ(sentiment_class_of(0.5999), SentimentClass::kPositive);
  EXPECT_EQ(sentiment_class_of(0.6), SentimentClass::kVeryPositive);
  EXPECT_EQ(sentiment_class_name(SentimentClass::kNotUnderstood), "NOT_UNDERSTOOD");
  EXPECT_EQ(sentiment_class_name(SentimentClass::kVeryNegative), "VERY_NEGATIVE");
  EXPECT_EQ(sentiment_class_name(SentimentClass::kVeryPositive), "VERY_POSITIVE");
}

TEST_F(SentimentAnalyzerTest, ClassifiesTweets) {
  EXPECT_EQ(analyzer_->classify("I love this so much!!!"), SentimentClass::kVeryPositive);
  EXPECT_EQ(analyzer_->classify("The book was good."), SentimentClass::kPositive);
  EXPECT_EQ(analyzer_->classify("The train leaves at noon"), SentimentClass::kNeutral);
  EXPECT_EQ(analyzer_->classify("this is bad"), SentimentClass::kNegative);
  EXPECT_EQ(analyzer_->classify("I HATE this horrible awful day"), SentimentClass::kVeryNegative);
}

TEST_F(SentimentAnalyzerTest, NotUnderstoodWhenNothingIsLeftToScore) {
  for (const char* t : {"", "   ", "@alice http://t.co/abc", "https://example.com/x?y=1",
                        "123 456 !!!", "@bob @carol", "#"}) {
    EXPECT_EQ(analyzer_->classify(t), SentimentClass::kNotUnderstood) << t;
  }
  // An emoticon or an emoji has something to score; so does a hashtag's word.
  EXPECT_EQ(analyzer_->classify(":)"), SentimentClass::kPositive);
  EXPECT_NE(analyzer_->classify("\xF0\x9F\x98\x81"), SentimentClass::kNotUnderstood);
  EXPECT_EQ(analyzer_->classify("#happy"), analyzer_->classify("happy"));
  EXPECT_EQ(analyzer_->classify("@happy hello"), SentimentClass::kNeutral);  // mention removed
}

TEST(StripTweetMarkupTest, RemovesUrlsMentionsAndHashMarks) {
  std::string out;
  strip_tweet_markup("RT @user: so #happy today http://t.co/x www.a.com/b mail a@b.c", out);
  EXPECT_EQ(out, "RT : so happy today   mail a@b.c");
  strip_tweet_markup("#1 and C# stay", out);
  EXPECT_EQ(out, "1 and C# stay");
}

TEST(SentimentLexiconTest, MissingFileIsNotFound) {
  auto a = SentimentAnalyzer::create("/nonexistent/vader_lexicon.txt");
  ASSERT_FALSE(a.is_ok());
  EXPECT_EQ(a.status().code(), StatusCode::kNotFound);
  EXPECT_NE(a.status().message().find("/nonexistent/vader_lexicon.txt"), std::string::npos);
}

TEST(SentimentLexiconTest, MalformedLineNamesFileAndLine) {
  const std::string path = ::testing::TempDir() + "/bad_lexicon.txt";
  {
    std::ofstream f(path);
    f << "good\t1.9\t0.9\t[]\nbroken line\n";
  }
  auto a = SentimentAnalyzer::create(path);
  ASSERT_FALSE(a.is_ok());
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(a.status().message().find(path + ":2"), std::string::npos) << a.status().message();
  std::remove(path.c_str());
}

TEST(SentimentLexiconTest, CustomLexiconReplacesTheBuiltInOne) {
  const std::string path = ::testing::TempDir() + "/tiny_lexicon.txt";
  {
    std::ofstream f(path);
    f << "eddy\t4.0\t0\t[]\ngood\t-1.0\t0\t[]\n";
  }
  auto a = SentimentAnalyzer::create(path);
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  EXPECT_NEAR((*a)->polarity_scores("eddy").compound, 4 / std::sqrt(16.0 + 15), 1e-4);
  EXPECT_LT((*a)->polarity_scores("good").compound, 0.0);
  std::remove(path.c_str());
}

TEST_F(SentimentAnalyzerTest, ConcurrentCallsAgreeWithSequentialOnes) {
  const std::vector<std::string> texts = {
      "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
      "The plot was good, but the characters are uncompelling and the dialog is not great.",
      "Catch utf-8 emoji such as \xF0\x9F\x92\x98 and \xF0\x9F\x92\x8B", "not bad at all",
      std::string(2000, 'a') + " terrible " + std::string(500, '!')};
  std::vector<double> expected;
  for (const auto& t : texts) expected.push_back(analyzer_->polarity_scores(t).compound);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const size_t k = static_cast<size_t>(i + t) % texts.size();
        if (analyzer_->polarity_scores(texts[k]).compound != expected[k]) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace eddy::text
