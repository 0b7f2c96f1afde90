#include "batch/keyed_group_job.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "batch/python_json.h"
#include "batch/spark_output.h"
#include "batch/spark_pi.h"
#include "common/random.h"

namespace eddy::batch {
namespace {

namespace fs = std::filesystem;

// A scratch directory with an input file, removed afterwards.
class KeyedGroupJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("eddy-batch-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write_input(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  Result<KeyedGroupJobStats> run(const std::string& input, const std::string& out,
                                 KeyedGroupJobOptions o = {}) {
    o.inputs = {input};
    o.output = (dir_ / out).string();
    return run_keyed_group_job(o);
  }

  fs::path dir_;
};

TEST_F(KeyedGroupJobTest, GroupsSortsAndFormatsLikeTheArticle) {
  std::string in = write_input("in.txt", "9::a::b\n10::x::y\n9::c::d\n-1::z\n");
  auto stats = run(in, "out");
  ASSERT_TRUE(stats.is_ok()) << stats.status().to_string();
  EXPECT_EQ(read(dir_ / "out" / "part-00000"),
            "{\"-1\": [[\"z\"]]}\n"
            "{\"9\": [[\"a\", \"b\"], [\"c\", \"d\"]]}\n"
            "{\"10\": [[\"x\", \"y\"]]}\n");
  EXPECT_TRUE(fs::exists(dir_ / "out" / "_SUCCESS"));
  EXPECT_EQ(stats->records, 4u);
  EXPECT_EQ(stats->keys, 3u);
}

TEST_F(KeyedGroupJobTest, SpilledRunsGiveTheSameBytesAsMemory) {
  // Dense and sparse keys, many values per key, several threads: every run size must agree.
  Xoshiro256 rng(7);
  std::string text;
  for (int i = 0; i < 20000; ++i) {
    int64_t key = i % 3 == 0 ? static_cast<int64_t>(rng()) : static_cast<int64_t>(rng() % 500);
    text += std::to_string(key) + "::w" + std::to_string(rng() % 1000) + "::v" + std::to_string(i) +
            "\n";
  }
  std::string in = write_input("in.txt", text);
  KeyedGroupJobOptions mem;
  mem.threads = 3;
  ASSERT_TRUE(run(in, "mem", mem).is_ok());
  std::string expected = read(dir_ / "mem" / "part-00000");
  for (uint64_t run_bytes : {1000u, 7919u, 100000u}) {
    KeyedGroupJobOptions o;
    o.threads = 2;
    o.run_bytes = run_bytes;
    o.spill_dir = dir_.string();
    std::string out = "spill" + std::to_string(run_bytes);
    auto stats = run(in, out, o);
    ASSERT_TRUE(stats.is_ok()) << stats.status().to_string();
    EXPECT_GT(stats->runs, 1u);
    EXPECT_EQ(read(dir_ / out / "part-00000"), expected) << "run_bytes " << run_bytes;
  }
}

// The transform as a plain program would do it: std::map of key → payloads, then json.dumps.
std::string reference_output(const std::string& text, const std::string& delim, bool descending) {
  std::map<int64_t, std::vector<std::string>> groups;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t d = line.find(delim);
    int64_t key;
    if (d == std::string::npos || !parse_int_key(std::string_view(line).substr(0, d), &key))
      continue;  // a bad line, skipped
    groups[key].push_back(line.substr(d + delim.size()));
  }
  auto format = [&](int64_t key, const std::vector<std::string>& payloads) {
    std::string out = "{\"" + std::to_string(key) + "\": [";
    for (size_t i = 0; i < payloads.size(); ++i) {
      if (i) out += ", ";
      out += "[";
      size_t at = 0;
      for (bool first = true;; first = false) {
        if (!first) out += ", ";
        size_t next = payloads[i].find(delim, at);
        append_python_json_string(std::string_view(payloads[i]).substr(at, next - at), &out);
        if (next == std::string::npos) break;
        at = next + delim.size();
      }
      out += "]";
    }
    return out + "]}\n";
  };
  std::string out;
  if (descending) {
    for (auto it = groups.rbegin(); it != groups.rend(); ++it) out += format(it->first, it->second);
  } else {
    for (const auto& [k, v] : groups) out += format(k, v);
  }
  return out;
}

// Random inputs that stress the key bands (in memory and in spilled runs): uniform, skewed (one key
// holding most lines), sparse (keys far apart: the stable-sort path), negative keys, keys outside
// the sampled range; payloads of every length around the 16-byte blocks, with quotes, backslashes,
// controls, UTF-8, invalid bytes, lone delimiter characters; CRLF lines; bad lines (skipped).
std::string random_lines(Xoshiro256& rng, const std::string& delim, int shape, int lines) {
  static const std::vector<std::string> kPieces = {
      "a",      "word",        "\"",   "\\",
      "\t",     "caf\xc3\xa9", "\xff", "\xf0\x9f\x98\x80",
      ":",      ",",           " ",    "0123456789abcdef",
      "x\x01y", "\x7f"};
  std::string text;
  for (int i = 0; i < lines; ++i) {
    int64_t key;
    switch (shape) {
      case 0:
        key = static_cast<int64_t>(rng() % 5000);
        break;
      case 1:
        key = rng() % 4 ? 42 : static_cast<int64_t>(rng() % 100);
        break;
      case 2:
        key = static_cast<int64_t>(rng() >> 1) - (INT64_MAX / 2);
        break;
      default:
        key = i < lines / 2 ? static_cast<int64_t>(rng() % 10)
                            : -static_cast<int64_t>(rng() % 1000000);
        break;
    }
    if (rng() % 200 == 0) {
      text += rng() % 2 ? "no delimiter\n" : "x" + std::to_string(key) + delim + "bad key\n";
      continue;
    }
    std::string payload;
    for (size_t f = 0, n = rng() % 4; f <= n; ++f) {
      if (f) payload += delim;
      for (size_t k = 0, m = rng() % 6; k < m; ++k) payload += kPieces[rng() % kPieces.size()];
    }
    text += std::to_string(key) + delim + payload + (rng() % 10 == 0 ? "\r\n" : "\n");
  }
  return text;
}

TEST_F(KeyedGroupJobTest, OutputMatchesAPlainReferenceInMemoryAndSpilled) {
  Xoshiro256 rng(11);
  int id = 0;
  for (const std::string delim : {"::", ",", "<=>"}) {
    for (int shape = 0; shape < 4; ++shape) {
      const std::string text = random_lines(rng, delim, shape, 30000);
      const std::string in = write_input("in" + std::to_string(id) + ".txt", text);
      for (bool descending : {false, true}) {
        KeyedGroupJobOptions o;
        o.format.delimiter = delim;
        o.format.bad_lines = BadLinePolicy::kSkip;
        o.descending = descending;
        o.threads = 1 + id % 3;
        o.partitions = 1 + id % 4;
        const bool spill = id % 2 == 1;  // every other case through spilled runs and the merge
        if (spill) {
          o.run_bytes = 100000 + 7919 * static_cast<uint64_t>(id);
          o.spill_dir = dir_.string();
        }
        const std::string out = "out" + std::to_string(id++);
        auto stats = run(in, out, o);
        ASSERT_TRUE(stats.is_ok()) << stats.status().to_string();
        if (spill)
          EXPECT_GT(stats->runs, 1u);
        else
          EXPECT_EQ(stats->runs, 1u);
        std::string joined;
        for (size_t p = 0; p < o.partitions; ++p)
          joined += read(dir_ / out / SparkOutput::part_name(p));
        EXPECT_EQ(joined, reference_output(text, delim, descending))
            << "delimiter '" << delim << "' shape " << shape << " descending " << descending
            << " spilled " << spill;
      }
    }
  }
}

TEST_F(KeyedGroupJobTest, EmptyInputWritesEmptyParts) {
  std::string in = write_input("empty.txt", "");
  KeyedGroupJobOptions o;
  o.partitions = 2;
  auto stats = run(in, "out", o);
  ASSERT_TRUE(stats.is_ok()) << stats.status().to_string();
  EXPECT_EQ(read(dir_ / "out" / "part-00000"), "");
  EXPECT_EQ(read(dir_ / "out" / "part-00001"), "");
  EXPECT_TRUE(fs::exists(dir_ / "out" / "_SUCCESS"));
}

TEST_F(KeyedGroupJobTest, PartitionsAreContiguousKeyRanges) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += std::to_string(i % 97) + "::v\n";
  std::string in = write_input("in.txt", text);
  KeyedGroupJobOptions o;
  o.partitions = 4;
  ASSERT_TRUE(run(in, "four", o).is_ok());
  ASSERT_TRUE(run(in, "one").is_ok());
  std::string joined;
  for (int p = 0; p < 4; ++p) joined += read(dir_ / "four" / SparkOutput::part_name(p));
  EXPECT_EQ(joined, read(dir_ / "one" / "part-00000"));
}

TEST_F(KeyedGroupJobTest, BadLineFailsNamingFileAndLineAndWritesNothing) {
  std::string in = write_input("bad.txt", "1::a\n2::b\nno delimiter here\n");
  auto stats = run(in, "out");
  ASSERT_FALSE(stats.is_ok());
  EXPECT_NE(stats.status().message().find("bad.txt:3: no '::' delimiter"), std::string::npos)
      << stats.status().message();
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(KeyedGroupJobTest, BadKeysAreSkippedAndCounted) {
  std::string in = write_input("bad.txt", "1::a\nx1::b\n2::c\n");
  KeyedGroupJobOptions o;
  o.format.bad_lines = BadLinePolicy::kSkip;
  auto stats = run(in, "out", o);
  ASSERT_TRUE(stats.is_ok());
  EXPECT_EQ(stats->skipped, 1u);
  EXPECT_NE(stats->first_skipped.find("bad.txt:2: key 'x1' is not an integer"), std::string::npos);
  EXPECT_EQ(read(dir_ / "out" / "part-00000"), "{\"1\": [[\"a\"]]}\n{\"2\": [[\"c\"]]}\n");
}

TEST_F(KeyedGroupJobTest, MissingInputIsNotFound) {
  auto stats = run((dir_ / "nope.txt").string(), "out");
  ASSERT_FALSE(stats.is_ok());
  EXPECT_EQ(stats.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST(ParseIntKeyTest, AcceptsWhatIntAcceptsForAsciiDigits) {
  int64_t k = 0;
  EXPECT_TRUE(parse_int_key(" 7\t", &k));
  EXPECT_EQ(k, 7);
  EXPECT_TRUE(parse_int_key("+3", &k));
  EXPECT_EQ(k, 3);
  EXPECT_TRUE(parse_int_key("-0", &k));
  EXPECT_EQ(k, 0);
  EXPECT_TRUE(parse_int_key("007", &k));
  EXPECT_EQ(k, 7);
  EXPECT_FALSE(parse_int_key("", &k));
  EXPECT_FALSE(parse_int_key("+-3", &k));
  EXPECT_FALSE(parse_int_key("1x", &k));
  EXPECT_FALSE(parse_int_key("99999999999999999999", &k));
}

TEST(SparkPiTest, DeterministicPerSeedWhateverTheThreads) {
  WorkerPool one(1), three(3);
  SparkPiResult a = run_spark_pi(10, 5, one), b = run_spark_pi(10, 5, three);
  EXPECT_EQ(a.inside, b.inside);
  EXPECT_EQ(a.points, 999999u);
  EXPECT_NEAR(a.pi, 3.14159, 0.01);
  EXPECT_EQ(format_spark_pi({1, 1, 3.0}), "Pi is roughly 3.0");
}

}  // namespace
}  // namespace eddy::batch
