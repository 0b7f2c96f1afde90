// Property tests of WindowedTopK against a brute-force recount of every window from the raw
// events (docs/stream-windows.md is the contract), plus directed cases named for what they pin.
#include "engine/windowed_top_k.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace eddy::engine {
namespace {

constexpr Micros kSec = 1000000;

struct Event {
  Micros t;
  std::vector<std::string> keys;
};

struct Window {
  Micros start, end;
  std::vector<std::pair<std::string, int64_t>> top;
  bool operator==(const Window&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Window& w) {
  os << "[" << w.start << "," << w.end << "){";
  for (auto& [k, c] : w.top) os << k << ":" << c << " ";
  return os << "}";
}

int64_t fdiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Runs the operator over `events`; with `restart_at` < events.size(), the state is
// snapshotted before that event and the rest runs on a fresh operator restored from it.
std::vector<Window> run_operator(const WindowOptions& o, const std::vector<Event>& events,
                                 uint64_t* late = nullptr, size_t restart_at = SIZE_MAX) {
  auto op = std::make_unique<WindowedTopK>(o);
  std::vector<Window> out;
  EmitFn emit = [&](const WindowResult& r) {
    Window w{r.start, r.end, {}};
    for (auto& kc : r.top) w.top.emplace_back(std::string(kc.key), kc.count);
    out.push_back(w);
  };
  std::vector<std::string_view> keys;
  for (size_t i = 0; i < events.size(); ++i) {
    if (i == restart_at) {
      std::string snap;
      op->snapshot(&snap);
      op = std::make_unique<WindowedTopK>(o);
      EXPECT_TRUE(op->restore(snap).is_ok());
    }
    keys.assign(events[i].keys.begin(), events[i].keys.end());
    op->on_record(events[i].t, keys, emit);
  }
  op->finish(emit);
  if (late) *late = op->late();
  return out;
}

// The contract, written the slow and obvious way.
std::vector<Window> brute_force(const WindowOptions& o, const std::vector<Event>& events,
                                uint64_t* late_out = nullptr) {
  std::vector<const Event*> on_time;
  bool seen = false;
  Micros max_t = 0;
  uint64_t late = 0;
  for (const Event& e : events) {
    if (seen && fdiv(e.t, o.slide) < fdiv(max_t - o.allowed_lateness, o.slide)) {
      ++late;
      continue;
    }
    on_time.push_back(&e);
    max_t = seen ? std::max(max_t, e.t) : e.t;
    seen = true;
  }
  if (late_out) *late_out = late;
  std::vector<Window> out;
  if (on_time.empty()) return out;
  int64_t min_pane = INT64_MAX;
  for (auto* e : on_time) min_pane = std::min(min_pane, fdiv(e->t, o.slide));
  int64_t ppw = o.size / o.slide;
  for (int64_t end = min_pane + 1; end <= fdiv(max_t, o.slide) + 1; ++end) {
    std::map<std::string, int64_t> counts;
    for (auto* e : on_time) {
      int64_t p = fdiv(e->t, o.slide);
      if (p >= end - ppw && p < end)
        for (auto& k : e->keys) ++counts[k];
    }
    std::vector<std::pair<std::string, int64_t>> all(counts.begin(), counts.end());
    std::stable_sort(all.begin(), all.end(),
                     [](auto& a, auto& b) { return a.second > b.second; });  // keys asc kept
    if (all.size() > o.top) all.resize(o.top);
    out.push_back({end * o.slide - o.size, end * o.slide, all});
  }
  return out;
}

RC_GTEST_PROP(WindowedTopKProperty, MatchesBruteForceRecount, ()) {
  WindowOptions o;
  o.slide = *rc::gen::inRange<int64_t>(1, 5) * kSec;
  o.size = o.slide * *rc::gen::inRange<int64_t>(1, 7);
  o.allowed_lateness = *rc::gen::element<int64_t>(0, 1, 3, 20) * kSec;
  o.top = *rc::gen::inRange<size_t>(1, 6);
  // Half the cases rank only a handful of keys, so re-thresholding happens all the time.
  if (*rc::gen::arbitrary<bool>()) {
    o.rank_target = *rc::gen::inRange<size_t>(1, 4);
    o.rank_max = o.rank_target + *rc::gen::inRange<size_t>(1, 4);
  }
  int nkeys = *rc::gen::element(1, 2, 3, 8, 50);
  auto n = *rc::gen::inRange(0, 200);
  std::vector<Event> events;
  Micros t = *rc::gen::inRange<int64_t>(-50, 1000) * kSec;
  for (int i = 0; i < n; ++i) {
    int kind = *rc::gen::inRange(0, 20);
    if (kind == 0)
      t += *rc::gen::inRange<int64_t>(0, 100) * kSec;  // gaps longer than windows
    else if (kind < 5)
      t -= *rc::gen::inRange<int64_t>(0, 15) * kSec;  // out of order
    else
      t += *rc::gen::inRange<int64_t>(0, 2000000);
    Event e{t, {}};
    int nk = *rc::gen::inRange(0, 4);
    for (int j = 0; j < nk; ++j)
      e.keys.push_back("k" + std::to_string(*rc::gen::inRange(0, nkeys)));
    events.push_back(e);
  }
  uint64_t late_a, late_b, late_c;
  auto got = run_operator(o, events, &late_a);
  auto want = brute_force(o, events, &late_b);
  RC_ASSERT(late_a == late_b);
  RC_ASSERT(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) RC_ASSERT(got[i] == want[i]);
  // A checkpoint and restart anywhere in the stream changes nothing.
  size_t restart_at = *rc::gen::inRange<size_t>(0, events.size() + 1);
  RC_ASSERT(run_operator(o, events, &late_c, restart_at) == want);
  RC_ASSERT(late_c == late_b);
}

TEST(WindowedTopK, ArticleWindowTopFiveWithTiesByKey) {
  WindowOptions o;  // 1800 s / 10 s, top 5
  std::vector<Event> ev = {{5 * kSec, {"#b", "#a"}},
                           {6 * kSec, {"#c"}},
                           {7 * kSec, {"#a"}},
                           {8 * kSec, {"#z", "#y", "#x"}}};
  auto out = run_operator(o, ev);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].end, 10 * kSec);
  EXPECT_EQ(out[0].start, 10 * kSec - 1800 * kSec);
  std::vector<std::pair<std::string, int64_t>> want = {
      {"#a", 2}, {"#b", 1}, {"#c", 1}, {"#x", 1}, {"#y", 1}};
  EXPECT_EQ(out[0].top, want);
}

TEST(WindowedTopK, EmptyWindowsInAGapAreEmitted) {
  WindowOptions o;
  o.size = 20 * kSec;
  o.slide = 10 * kSec;
  auto out = run_operator(o, {{1 * kSec, {"a"}}, {55 * kSec, {"b"}}});
  // ends 10, 20, 30 (a expired), 40, 50, 60
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(out[0].top.size(), 1u);
  EXPECT_EQ(out[1].top.size(), 1u);
  EXPECT_TRUE(out[2].top.empty());
  EXPECT_TRUE(out[4].top.empty());
  EXPECT_EQ(out[5].top.size(), 1u);
}

TEST(WindowedTopK, LateEventIsCountedAndNotMerged) {
  WindowOptions o;
  o.size = 30 * kSec;
  o.slide = 10 * kSec;
  uint64_t late;
  auto out = run_operator(o, {{1 * kSec, {"a"}}, {25 * kSec, {"b"}}, {2 * kSec, {"a"}}}, &late);
  EXPECT_EQ(late, 1u);
  for (auto& w : out) {
    for (auto& [k, c] : w.top) {
      if (k == "a") {
        EXPECT_EQ(c, 1);
      }
    }
  }
}

TEST(WindowedTopK, ZeroCountKeysAreEvicted) {
  WindowOptions o;
  o.size = 20 * kSec;
  o.slide = 10 * kSec;
  WindowedTopK op(o);
  EmitFn emit = [](const WindowResult&) {};
  std::vector<std::string_view> k1 = {"gone"}, k2 = {"stay"};
  op.on_record(1 * kSec, k1, emit);
  op.on_record(45 * kSec, k2, emit);
  EXPECT_EQ(op.counter().count("gone"), 0);
  EXPECT_EQ(op.counter().keys_held(), 1u);
}

TEST(WindowedTopK, SnapshotRestoreContinuesIdentically) {
  WindowOptions o;
  o.size = 60 * kSec;
  o.slide = 10 * kSec;
  o.allowed_lateness = 5 * kSec;
  std::vector<Event> ev;
  for (int i = 0; i < 400; ++i)
    ev.push_back({(i * 7 % 13 + i) * kSec / 2, {"k" + std::to_string(i % 17), "x"}});
  auto want = run_operator(o, ev);
  // Run the first half, snapshot, restore into a fresh operator, run the rest.
  std::vector<Window> got;
  EmitFn emit = [&](const WindowResult& r) {
    Window w{r.start, r.end, {}};
    for (auto& kc : r.top) w.top.emplace_back(std::string(kc.key), kc.count);
    got.push_back(w);
  };
  std::string snap;
  {
    WindowedTopK a(o);
    std::vector<std::string_view> keys;
    for (size_t i = 0; i < 200; ++i) {
      keys.assign(ev[i].keys.begin(), ev[i].keys.end());
      a.on_record(ev[i].t, keys, emit);
    }
    a.snapshot(&snap);
  }
  WindowedTopK b(o);
  ASSERT_TRUE(b.restore(snap).is_ok());
  std::vector<std::string_view> keys;
  for (size_t i = 200; i < ev.size(); ++i) {
    keys.assign(ev[i].keys.begin(), ev[i].keys.end());
    b.on_record(ev[i].t, keys, emit);
  }
  b.finish(emit);
  EXPECT_EQ(got, want);
  EXPECT_FALSE(b.restore(snap.substr(0, snap.size() - 3)).is_ok()) << "truncated snapshot";
}

TEST(WindowedTopK, MillionKeysMatchesBruteForce) {
  WindowOptions o;
  o.rank_target = 16;
  o.rank_max = 64;
  o.size = 40 * kSec;
  o.slide = 10 * kSec;
  o.top = 5;
  std::vector<Event> ev;
  // 1,000,000 distinct keys, plus a few heavy ones so that top-5 is not all ties.
  for (int i = 0; i < 1000000; ++i) {
    Event e{static_cast<Micros>(i) * 60 * kSec / 1000000, {"key" + std::to_string(i)}};
    if (i % 1000 == 0) e.keys.push_back("heavy" + std::to_string(i % 7000));
    ev.push_back(std::move(e));
  }
  EXPECT_EQ(run_operator(o, ev), brute_force(o, ev));
}

TEST(WindowOptions, SlideMustDivideSize) {
  WindowOptions o;
  o.slide = 7 * kSec;
  Status s = o.validate();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("spec.window.slide: must divide size (30m), got 7s"),
            std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace eddy::engine
