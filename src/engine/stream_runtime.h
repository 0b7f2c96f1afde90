// StreamRuntime: runs one windowed top-k stream job: source -> decode -> window -> writer.
//
// Decoding (JSON parsing, filtering, key extraction: nearly all the work) runs on `threads`
// worker threads over whole blocks; the calling thread reads blocks and sequences decoded
// blocks in input order through the window operator, so results do not depend on the number
// of threads. With threads == 1 everything runs on the calling thread.
//
// Time: event time from the decoder, or arrival time (processing mode). Replay pacing
// (`replay_speed` > 0) holds each record until start + (t - t_first) / speed on the clock.
// Live sources are read with a deadline so that processing-time windows close on time and
// progress is printed even when no data comes.
// Ownership: borrows everything it is given. Thread-safety: run() once, from one thread.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "engine/line_source.h"
#include "engine/record_decoder.h"
#include "engine/window_writer.h"
#include "engine/windowed_top_k.h"

namespace eddy::engine {

enum class TimeMode { kEvent, kProcessing };

struct StreamRuntimeOptions {
  int threads = 1;
  TimeMode time_mode = TimeMode::kEvent;
  double replay_speed = 0;          // 0: as fast as possible; 1: real time; N: N x real time
  Micros progress_interval = 0;     // 0: none; else a line every interval and one at the end
  size_t block_bytes = 1 << 20;
  Clock* clock = SystemClock::instance();
  // What the decoders' filter drops, said beside its count in the summary ("not English"), so
  // that "filtered=81309" does not read as an error; empty (or nothing filtered): the bare count.
  std::string filtered_reason;
};

struct StreamStats {
  uint64_t lines = 0;      // input lines, all of them
  uint64_t bytes = 0;
  uint64_t filtered = 0;   // dropped by a filter (not errors)
  std::string filtered_reason;  // StreamRuntimeOptions::filtered_reason
  uint64_t records = 0;    // reached the window operator
  uint64_t late = 0;
  std::array<uint64_t, static_cast<size_t>(SkipReason::kCount)> skipped{};
  uint64_t windows = 0;    // results written
  Micros started = 0, finished = 0;
  std::vector<uint32_t> emit_latency_ns;
  uint64_t skipped_total() const;
  // "lines=... records=... filtered=5 (not English) skipped=3 (invalid_json=2 ...) late=0
  // windows=360 ... events/s"
  std::string summary(const SlidingWindowCounter& counter, Micros now) const;
};

class StreamRuntime {
 public:
  StreamRuntime(const StreamRuntimeOptions& options, LineSource* source,
                const DecoderFactory* decoders, WindowedTopK* op, WindowWriter* writer);
  Status run();
  const StreamStats& stats() const { return stats_; }

 private:
  struct Slot;
  Status sequence(const LineBlock& block, const DecodedBlock& decoded);
  Status run_inline();
  Status run_parallel();
  void maybe_progress(bool force);
  Micros next_deadline() const;

  StreamRuntimeOptions options_;
  LineSource* source_;
  const DecoderFactory* decoders_;
  WindowedTopK* op_;
  WindowWriter* writer_;
  StreamStats stats_;
  Status emit_status_;
  EmitFn emit_;
  std::vector<std::string_view> keys_;  // reused per record
  bool paced_start_set_ = false;
  Micros pace_wall0_ = 0, pace_event0_ = 0;
  Micros next_progress_ = 0;
  uint64_t line_base_ = 0;  // lines before the block being sequenced
};

}  // namespace eddy::engine
