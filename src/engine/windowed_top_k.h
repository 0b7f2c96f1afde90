// WindowedTopK: the event-time sliding-window top-k operator of the stream jobs.
//
// Feeds records (event time + keys) into a SlidingWindowCounter, tracks the watermark, decides
// lateness and emits one WindowResult per slide, exactly as docs/stream-windows.md specifies:
//   - panes of `slide`, aligned to multiples of `slide` since the epoch; window ending at t
//     covers [t - size, t);
//   - watermark = max event time - allowed lateness; windows with end <= watermark are emitted;
//   - a record whose pane is before the closed boundary is late: counted, never merged;
//   - the first window emitted is the first that holds a record; every slide after it is
//     emitted, empty ones as empty results;
//   - finish() emits up to the window that ends after the newest record.
// Ownership: owns its counter. Thread-safety: none; one thread drives it.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "engine/sliding_window_counter.h"

namespace eddy::engine {

struct WindowOptions {
  Micros size = 1800LL * 1000000;
  Micros slide = 10LL * 1000000;
  Micros allowed_lateness = 0;
  size_t top = 5;
  // Tuning of the counter's top-k ranking (see SlidingWindowCounter); tests shrink them. A
  // smaller ranking means fewer ordered updates per slide (many-keys emit p50 266 -> 130 µs
  // going from 256/4096 to 32/512, bench/RESULTS.md) at the price of more frequent threshold
  // moves.
  size_t rank_target = 32;
  size_t rank_max = 512;
  // spec.window: checks slide > 0, size > 0, slide divides size, lateness >= 0, top >= 1.
  Status validate() const;
};

struct WindowResult {
  Micros start, end;          // [start, end)
  std::vector<KeyCount> top;  // views valid during the emit callback only
};
using EmitFn = std::function<void(const WindowResult&)>;

class WindowedTopK {
 public:
  explicit WindowedTopK(const WindowOptions& options);

  // One record at event time t with its keys (possibly none). Emits the windows the record's
  // advance of the watermark closes. Returns false if the record was late (and dropped).
  bool on_record(Micros t, std::span<const std::string_view> keys, const EmitFn& emit);
  // Advances the watermark to `watermark` without a record (processing time, idle sources).
  void on_watermark(Micros watermark, const EmitFn& emit);
  // End of a finite input: emits up to the window that ends after the newest record.
  void finish(const EmitFn& emit);

  int64_t pane_of(Micros t) const;
  Micros watermark() const { return max_time_ - options_.allowed_lateness; }
  uint64_t late() const { return late_; }
  const SlidingWindowCounter& counter() const { return counter_; }
  // When set, the wall time of each slide (advance + top-k + emit callback) is appended in
  // nanoseconds: the per-slide emit latency the benchmarks report. Subtracting the pane the
  // next window drops, adding the one it gains and evicting expired keys run after the emit
  // callback, off that path (SlidingWindowCounter::retire()).
  void record_emit_latency(std::vector<uint32_t>* sink) { latencies_ = sink; }

  // Snapshot/restore of the whole operator state (counter + watermark), for checkpoints.
  void snapshot(std::string* out) const;
  Status restore(std::string_view bytes);

 private:
  void emit_until(int64_t end_pane, const EmitFn& emit);
  int64_t closed_pane() const;  // pane index of the closed boundary

  WindowOptions options_;
  SlidingWindowCounter counter_;
  bool seen_ = false;  // a record has reached the operator
  Micros max_time_ = INT64_MIN / 2;
  uint64_t late_ = 0;
  WindowResult result_;  // reused between emits
  std::vector<uint32_t>* latencies_ = nullptr;
};

}  // namespace eddy::engine
