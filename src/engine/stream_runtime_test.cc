// StreamRuntime with an in-memory source and a tiny "time key key..." decoder: results are
// the same on 1 and 4 threads and any block size; replay pacing follows event time on the
// (manual) clock; processing-time windows close on the clock while the source is idle.
#include "engine/stream_runtime.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <deque>

namespace eddy::engine {
namespace {

constexpr Micros kSec = 1000000;

// Lines "SECONDS key key ..."; "bad" lines are skipped as invalid_json.
class SpaceDecoder final : public RecordDecoder {
 public:
  void decode(std::string_view line, size_t, DecodedBlock* out) override {
    uint64_t index = out->lines++;
    int64_t secs;
    auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), secs);
    if (ec != std::errc()) return out->skip(SkipReason::kInvalidJson, index, "not a number");
    std::string_view rest(p, line.data() + line.size() - p);
    while (!rest.empty()) {
      while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
      size_t sp = rest.find(' ');
      std::string_view k = rest.substr(0, sp);
      if (!k.empty()) out->add_key(k);
      rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp);
    }
    out->end_record(secs * kSec);
  }
};
class SpaceDecoderFactory final : public DecoderFactory {
 public:
  std::unique_ptr<RecordDecoder> create() const override {
    return std::make_unique<SpaceDecoder>();
  }
};

// Serves `text` in blocks of about `block` bytes; `gaps` inserts kTimeout reads (live mode).
class MemorySource final : public LineSource {
 public:
  MemorySource(std::string text, size_t block, bool live, Clock* clock = nullptr, Micros idle = 0)
      : text_(std::move(text)), block_(block), live_(live), clock_(clock), idle_(idle) {}
  Result<ReadStatus> read(LineBlock* b, Micros deadline) override {
    if (pos_ >= text_.size()) return ReadStatus::kEnd;
    if (live_ && idle_ > 0) {  // an idle period before every block, in deadline-sized steps
      if (idle_until_ == 0) idle_until_ = clock_->now() + idle_;
      if (clock_->now() < idle_until_) {
        clock_->sleep_until(std::min(deadline, idle_until_));
        return ReadStatus::kTimeout;
      }
      idle_until_ = 0;
    }
    size_t end = text_.find('\n', std::min(text_.size() - 1, pos_ + block_));
    end = end == std::string::npos ? text_.size() : end + 1;
    b->data.clear();
    b->data.append(std::string_view(text_).substr(pos_, end - pos_));
    b->data.reserve(b->data.size() + kBlockPadding);
    b->offset = pos_;
    b->end_offset = pos_ = end;
    b->oversized_lines = 0;
    return ReadStatus::kData;
  }
  Status check(const LineBlock& b) const override {
    if (b.end_offset > corrupt_from)
      return data_loss("block at " + std::to_string(b.offset) + " is gone");
    return Status::ok();
  }
  bool live() const override { return live_; }
  std::string describe() const override { return "memory"; }
  uint64_t corrupt_from = UINT64_MAX;  // check() fails blocks that reach past this offset
  uint64_t position() const override { return pos_; }

 private:
  std::string text_;
  size_t block_;
  bool live_;
  Clock* clock_;
  Micros idle_;
  Micros idle_until_ = 0;
  size_t pos_ = 0;
};

class StringSink final : public RecordSink {
 public:
  Status write(std::string_view r) override {
    out.append(r).push_back('\n');
    return Status::ok();
  }
  Status flush() override { return Status::ok(); }
  Status close() override { return Status::ok(); }
  std::string describe() const override { return "string"; }
  uint64_t position() const override { return out.size(); }
  std::string out;
};

std::string make_input(int n) {
  std::string s;
  uint64_t x = 12345;
  for (int i = 0; i < n; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    int t = i / 10 + static_cast<int>((x >> 33) % 3);  // slightly out of order
    s += std::to_string(1000 + t) + " k" + std::to_string((x >> 40) % 37) + " k" +
         std::to_string((x >> 20) % 5) + "\n";
    if (i % 997 == 0) s += "bad line\n";
  }
  return s;
}

// Runs the test job (60 s windows sliding by 5 s, 1 s lateness) over `src`; returns what it
// wrote, its stats in *stats and its status in *status.
std::string run_source(MemorySource& src, int threads, StreamStats* stats, Status* status) {
  WindowOptions w;
  w.size = 60 * kSec;
  w.slide = 5 * kSec;
  w.allowed_lateness = 1 * kSec;
  SpaceDecoderFactory dec;
  WindowedTopK op(w);
  StringSink sink;
  WindowWriter writer(&sink, false);
  StreamRuntimeOptions o;
  o.threads = threads;
  StreamRuntime rt(o, &src, &dec, &op, &writer);
  *status = rt.run();
  if (stats) *stats = rt.stats();
  return sink.out;
}

std::string run(const std::string& input, int threads, size_t block, StreamStats* stats = nullptr) {
  MemorySource src(input, block, false);
  Status status;
  std::string out = run_source(src, threads, stats, &status);
  EXPECT_TRUE(status.is_ok()) << status.to_string();
  return out;
}

TEST(StreamRuntime, SameOutputOnAnyThreadCountAndBlockSize) {
  std::string input = make_input(50000);
  StreamStats st;
  std::string want = run(input, 1, 1 << 20, &st);
  EXPECT_GT(st.windows, 50u);
  EXPECT_EQ(st.skipped[static_cast<size_t>(SkipReason::kInvalidJson)], 51u);
  EXPECT_GT(st.late, 0u);
  EXPECT_EQ(st.lines, 50051u);
  EXPECT_EQ(run(input, 1, 333), want);
  EXPECT_EQ(run(input, 4, 1000), want);
  EXPECT_EQ(run(input, 2, 64 * 1024), want);
}

TEST(StreamRuntime, ABlockThatFailsTheSourceCheckStopsTheJobBeforeItsRecordsCount) {
  std::string input = make_input(20000);
  const size_t cut = input.size() / 2;
  const uint64_t lines_before = std::count(input.begin(), input.begin() + cut, '\n');
  for (int threads : {1, 2}) {
    MemorySource src(input, 1000, false);
    src.corrupt_from = cut;
    StreamStats stats;
    Status s;
    run_source(src, threads, &stats, &s);
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.to_string();
    EXPECT_NE(s.message().find("is gone"), std::string::npos);
    // Every block before the failing one was used, nothing of it or after it.
    EXPECT_LE(stats.lines, lines_before) << threads;
    EXPECT_GT(stats.lines + 100, lines_before) << threads;
  }
}

TEST(StreamRuntime, ReplayPacingFollowsEventTime) {
  ManualClock clock(1000 * kSec);
  std::string input = "100 a\n110 b\n160 c\n";
  MemorySource src(input, 1 << 20, false);
  SpaceDecoderFactory dec;
  WindowOptions w;
  WindowedTopK op(w);
  StringSink sink;
  WindowWriter writer(&sink, false);
  StreamRuntimeOptions o;
  o.clock = &clock;
  o.replay_speed = 10;  // x10: 60 s of event time in 6 s
  StreamRuntime rt(o, &src, &dec, &op, &writer);
  ASSERT_TRUE(rt.run().is_ok());
  EXPECT_EQ(clock.now(), 1006 * kSec);
}

TEST(StreamRuntime, ProcessingTimeWindowsCloseOnTheClockWhileIdle) {
  ManualClock clock(2000 * kSec);
  // Live source: two lines arrive, then the source idles 30 s before the next block.
  MemorySource src("0 a\n0 a\n", 1, true, &clock, 30 * kSec);
  SpaceDecoderFactory dec;
  WindowOptions w;
  w.size = 20 * kSec;
  w.slide = 10 * kSec;
  WindowedTopK op(w);
  StringSink sink;
  WindowWriter writer(&sink, false);
  StreamRuntimeOptions o;
  o.clock = &clock;
  o.time_mode = TimeMode::kProcessing;
  StreamRuntime rt(o, &src, &dec, &op, &writer);
  ASSERT_TRUE(rt.run().is_ok());
  // Arrival times are clock times (2000 s onwards, not the records' "0"); idle periods still
  // emitted windows, including the empty one after "a" expired.
  EXPECT_NE(sink.out.find("{\"a\": 1}"), std::string::npos) << sink.out;
  EXPECT_NE(sink.out.find("{}"), std::string::npos) << sink.out;
  EXPECT_EQ(sink.out, "{\"a\": 1}\n{\"a\": 1}\n{}\n{\"a\": 1}\n");
}

}  // namespace
}  // namespace eddy::engine
