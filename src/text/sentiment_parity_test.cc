// Parity of Eddy's VADER with the reference, run under node (tests/sentiment/README.md):
//   1. the sentences of the npm port vader-sentiment's own tests, against the port as published;
//      every sentence where the port and the original vaderSentiment 3.3.2 disagree is listed in
//      kPortDisagreements with the original's published score and the reason;
//   2. 10,000 generated sentences (tests/sentiment/generate_sentences.js, fixed seed) against
//      the port with its departures from 3.3.2 corrected (tests/sentiment/vader_reference.js,
//      corrections C1..C9 listed in kPortCorrections): every compound within 1e-4.
//
// Decision on a missing node or node_modules: the test FAILS, in every tier (scripts/test fast
// and full both run it; CI runs scripts/install-deps first, which installs vader-sentiment).
// A developer who knowingly works without node can set EDDY_SKIP_NODE_PARITY=1 to skip it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "text/sentiment_analyzer.h"

namespace eddy::text {
namespace {

const std::string kSourceDir = EDDY_SOURCE_DIR;
constexpr double kTolerance = 1e-4;

// The npm port's test sentences on which it disagrees with the original, with the original's
// score as vaderSentiment 3.3.2's README publishes it.
struct PortDisagreement {
  const char* sentence;
  double port_compound;      // what vader-sentiment 1.1.3 returns (and its tests expect)
  double original_compound;  // vaderSentiment 3.3.2 (and Eddy)
  const char* reason;
};
const PortDisagreement kPortDisagreements[] = {
    {"Today only kinda sux! But I'll get by, lol", 0.2228, 0.5249,
     "C8: the port's 'but' check finds only 'but' and 'BUT', so 'But' does not shift weight to "
     "'lol'; 3.3.2 lowercases the words first"},
};

// Where the port departs from 3.3.2 (each one explains generated sentences; see README.md).
const char* const kPortCorrections[] = {
    "C1 lexicon: the port ships an older lexicon; 3.3.2 reads vader_lexicon.txt (data/vader)",
    "C2 emoji: the port ignores emoji; 3.3.2 replaces each emoji code point by its description",
    "C3 tokens: the port drops one-character tokens and strips only listed punctuation; 3.3.2 "
    "splits on whitespace and strips string.punctuation if more than two characters remain",
    "C4 boosters: 3.3.2's BOOSTER_DICT has 18 words the port lacks (considerable, major, ...)",
    "C5 'no': 3.3.2 negates a lexicon word up to three words after 'no'; the port does not",
    "C6 negation: the port is case-sensitive, scales 'never so X' by 1.5 (3.3.2: 1.25) and lacks "
    "the 'without (a) doubt' exception",
    "C7 idioms: different SPECIAL_CASES, case-sensitive matching, booster bigrams add B_DECR "
    "instead of their own value",
    "C8 but: the port finds only 'but'/'BUT' and re-weights by position; 3.3.2 lowercases and "
    "re-weights by value (list.index)",
    "C9 ALL CAPS: the port's is_upper is an ASCII regex; 3.3.2 uses Unicode str.isupper()",
};

class SentimentParityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const bool have_node = std::system("command -v node >/dev/null 2>&1") == 0;
    std::ifstream port(kSourceDir + "/node_modules/vader-sentiment/package.json");
    if (have_node && port.good()) return;
    const char* skip = std::getenv("EDDY_SKIP_NODE_PARITY");
    if (skip != nullptr && std::string(skip) == "1") {
      GTEST_SKIP() << "EDDY_SKIP_NODE_PARITY=1: VADER parity NOT checked";
    }
    FAIL() << "VADER parity needs node and node_modules/vader-sentiment: run scripts/install-deps "
              "(or set EDDY_SKIP_NODE_PARITY=1 to skip knowingly)";
  }

  static std::string temp_path(const std::string& name) {
    return ::testing::TempDir() + "/eddy_parity_" + std::to_string(::getpid()) + "_" + name;
  }

  // Runs a shell command; returns its stdout lines. Fails the test if it exits non-zero.
  static std::vector<std::string> run(const std::string& cmd) {
    std::vector<std::string> lines;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) {
      ADD_FAILURE() << "cannot run: " << cmd;
      return lines;
    }
    std::string cur;
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) cur.append(buf, n);
    const int rc = ::pclose(p);
    EXPECT_EQ(rc, 0) << "command failed: " << cmd;
    std::istringstream in(cur);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
    return lines;
  }

  static void write_lines(const std::string& path, const std::vector<std::string>& lines) {
    std::ofstream f(path, std::ios::binary);
    for (const auto& l : lines) f << l << '\n';
  }

  static std::vector<double> reference(const std::string& input, const std::string& flags) {
    std::vector<double> out;
    for (const auto& l : run("node '" + kSourceDir + "/tests/sentiment/vader_reference.js' " +
                             flags + " < '" + input + "'")) {
      out.push_back(std::strtod(l.c_str(), nullptr));
    }
    return out;
  }

  std::unique_ptr<SentimentAnalyzer> analyzer() {
    auto a = SentimentAnalyzer::create();
    EXPECT_TRUE(a.is_ok()) << a.status().to_string();
    return std::move(a).value();
  }
};

TEST_F(SentimentParityTest, NpmPackageTestSentences) {
  const auto sentences =
      run("node '" + kSourceDir + "/tests/sentiment/vader_reference.js' --npm-test-sentences");
  ASSERT_GE(sentences.size(), 10u);
  const std::string input = temp_path("npm_sentences.txt");
  write_lines(input, sentences);
  const auto port = reference(input, "--port");
  const auto corrected = reference(input, "");
  ASSERT_EQ(port.size(), sentences.size());
  ASSERT_EQ(corrected.size(), sentences.size());
  auto a = analyzer();
  int agree = 0;
  int listed = 0;
  for (size_t i = 0; i < sentences.size(); ++i) {
    const double eddy = a->polarity_scores(sentences[i]).compound;
    EXPECT_NEAR(eddy, corrected[i], kTolerance) << sentences[i];
    if (std::fabs(eddy - port[i]) <= kTolerance) {
      ++agree;
      continue;
    }
    const PortDisagreement* d = nullptr;
    for (const auto& pd : kPortDisagreements) {
      if (sentences[i] == pd.sentence) d = &pd;
    }
    ASSERT_NE(d, nullptr) << "unlisted disagreement with the npm port: '" << sentences[i]
                          << "' port " << port[i] << " eddy " << eddy;
    ++listed;
    EXPECT_NEAR(port[i], d->port_compound, kTolerance) << d->sentence;
    EXPECT_NEAR(eddy, d->original_compound, kTolerance) << d->sentence;
    std::printf("  listed disagreement: '%s': port %.4f, original and Eddy %.4f (%s)\n",
                d->sentence, port[i], eddy, d->reason);
  }
  std::printf("npm test sentences: %zu, equal to the port: %d, listed disagreements: %d\n",
              sentences.size(), agree, listed);
  std::remove(input.c_str());
}

TEST_F(SentimentParityTest, TenThousandGeneratedSentences) {
  const int kCount = 10000;
  const std::string input = temp_path("generated.txt");
  run("node '" + kSourceDir + "/tests/sentiment/generate_sentences.js' --count " +
      std::to_string(kCount) + " > '" + input + "'");
  std::vector<std::string> sentences;
  {
    std::ifstream f(input, std::ios::binary);
    std::string line;
    while (std::getline(f, line)) sentences.push_back(line);
  }
  ASSERT_EQ(sentences.size(), static_cast<size_t>(kCount));
  const auto corrected = reference(input, "");
  const auto port = reference(input, "--port");
  ASSERT_EQ(corrected.size(), sentences.size());
  ASSERT_EQ(port.size(), sentences.size());
  auto a = analyzer();
  double max_diff = 0;
  int mismatches = 0;
  int port_disagreements = 0;
  for (size_t i = 0; i < sentences.size(); ++i) {
    const double eddy = a->polarity_scores(sentences[i]).compound;
    const double d = std::fabs(eddy - corrected[i]);
    max_diff = std::max(max_diff, d);
    if (d > kTolerance && ++mismatches <= 10) {
      ADD_FAILURE() << "sentence " << i << " '" << sentences[i] << "': eddy " << eddy
                    << " reference " << corrected[i];
    }
    if (std::fabs(eddy - port[i]) > kTolerance) ++port_disagreements;
  }
  std::printf(
      "generated sentences: %d, mismatches vs reference: %d, max |diff| %.6f; sentences where "
      "the uncorrected port differs: %d, explained by:\n",
      kCount, mismatches, max_diff, port_disagreements);
  for (const char* c : kPortCorrections) std::printf("  %s\n", c);
  EXPECT_EQ(mismatches, 0);
  std::remove(input.c_str());
}

}  // namespace
}  // namespace eddy::text
