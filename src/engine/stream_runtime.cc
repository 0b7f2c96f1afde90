#include "engine/stream_runtime.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <sstream>
#include <thread>

#include "common/log.h"

namespace eddy::engine {

uint64_t StreamStats::skipped_total() const {
  uint64_t n = 0;
  for (uint64_t s : skipped) n += s;
  return n;
}

std::string StreamStats::summary(const SlidingWindowCounter& counter, Micros now) const {
  std::ostringstream os;
  double secs = std::max<Micros>(now - started, 1) / 1e6;
  os << "lines=" << lines << " records=" << records << " filtered=" << filtered;
  if (filtered > 0 && !filtered_reason.empty()) os << " (" << filtered_reason << ")";
  os << " skipped=" << skipped_total();
  if (skipped_total() > 0) {
    os << " (";
    bool first = true;
    for (size_t i = 0; i < skipped.size(); ++i) {
      if (!skipped[i]) continue;
      os << (first ? "" : " ") << skip_reason_name(static_cast<SkipReason>(i)) << "=" << skipped[i];
      first = false;
    }
    os << ")";
  }
  os << " late=" << late << " windows=" << windows << " keys=" << counter.keys_held()
     << " panes=" << counter.panes_held() << " elapsed=" << secs << "s"
     << " lines/s=" << static_cast<uint64_t>(lines / secs)
     << " MB/s=" << static_cast<uint64_t>(bytes / secs / 1e6);
  if (!emit_latency_ns.empty()) {
    std::vector<uint32_t> l = emit_latency_ns;
    auto pct = [&](double p) {
      size_t i = std::min(l.size() - 1, static_cast<size_t>(p * l.size()));
      std::nth_element(l.begin(), l.begin() + i, l.end());
      return l[i] / 1000.0;
    };
    os << " emit_p50_us=" << pct(0.50) << " emit_p99_us=" << pct(0.99);
  }
  return os.str();
}

StreamRuntime::StreamRuntime(const StreamRuntimeOptions& options, LineSource* source,
                             const DecoderFactory* decoders, WindowedTopK* op, WindowWriter* writer)
    : options_(options), source_(source), decoders_(decoders), op_(op), writer_(writer) {
  emit_ = [this](const WindowResult& w) {
    if (!emit_status_.is_ok()) return;
    emit_status_ = writer_->write(w);
    ++stats_.windows;
  };
}

Micros StreamRuntime::next_deadline() const {
  Micros now = options_.clock->now();
  Micros d = now + 1000000;  // wake at least every second on live sources
  if (options_.progress_interval > 0) d = std::min(d, next_progress_);
  return std::max(d, now);
}

void StreamRuntime::maybe_progress(bool force) {
  Micros now = options_.clock->now();
  if (!force && (options_.progress_interval <= 0 || now < next_progress_)) return;
  next_progress_ = now + options_.progress_interval;
  stats_.late = op_->late();
  log_line(LogLevel::kInfo, "progress: " + stats_.summary(op_->counter(), now));
}

Status StreamRuntime::sequence(const LineBlock& block, const DecodedBlock& d) {
  static RateLimitedWarning warning;
  stats_.lines += d.lines + block.oversized_lines;
  stats_.bytes += block.end_offset - block.offset;
  stats_.filtered += d.filtered;
  for (size_t i = 0; i < d.skipped.size(); ++i) stats_.skipped[i] += d.skipped[i];
  stats_.skipped[static_cast<size_t>(SkipReason::kLineTooLong)] += block.oversized_lines;
  if (!d.first_problem.empty())
    warning.warn("skipped bad input near line " +
                 std::to_string(line_base_ + d.first_problem_line + 1) + " of " +
                 source_->describe() + ": " + d.first_problem);
  else if (block.oversized_lines)
    warning.warn("skipped a line over the line size limit in " + source_->describe());
  line_base_ += d.lines + block.oversized_lines;

  uint32_t key = 0;
  for (size_t r = 0; r < d.times.size(); ++r) {
    Micros t = d.times[r];
    if (options_.time_mode == TimeMode::kProcessing) {
      t = options_.clock->now();
    } else if (options_.replay_speed > 0) {
      if (!paced_start_set_) {
        paced_start_set_ = true;
        pace_wall0_ = options_.clock->now();
        pace_event0_ = t;
      }
      Micros due = pace_wall0_ + static_cast<Micros>((t - pace_event0_) / options_.replay_speed);
      if (due > options_.clock->now()) {
        options_.clock->sleep_until(due);
        maybe_progress(false);
      }
    }
    keys_.clear();
    for (; key < d.key_end[r]; ++key) keys_.push_back(d.key(key));
    ++stats_.records;
    op_->on_record(t, keys_, emit_);
    EDDY_RETURN_IF_ERROR(emit_status_);
  }
  maybe_progress(false);
  return Status::ok();
}

Status StreamRuntime::run() {
  stats_ = StreamStats{};
  stats_.filtered_reason = options_.filtered_reason;
  stats_.started = options_.clock->now();
  next_progress_ = stats_.started + options_.progress_interval;
  op_->record_emit_latency(&stats_.emit_latency_ns);
  Status s = options_.threads <= 1 ? run_inline() : run_parallel();
  if (s.is_ok()) {
    if (options_.time_mode == TimeMode::kProcessing)
      op_->on_watermark(options_.clock->now(), emit_);
    op_->finish(emit_);
    s = emit_status_;
  }
  stats_.late = op_->late();
  stats_.finished = options_.clock->now();
  op_->record_emit_latency(nullptr);
  // A final line, so that a run shorter than the interval shows its progress too (issue 20).
  if (options_.progress_interval > 0) maybe_progress(true);
  return s;
}

namespace {
// Splits a block into lines and decodes each (runs on worker threads).
void decode_block(RecordDecoder* decoder, const LineBlock& block, DecodedBlock* out) {
  out->clear();
  std::string_view lines = block.lines();
  const char* base = lines.data();
  const char* p = base;
  const char* end = p + lines.size();
  size_t padded = block.readable();
  // Pull the next lines towards the cache while this one is parsed: a block comes from memory
  // (a mapped file), and each cache line would otherwise be a stall for the newline scan.
  // Measured: ~7% of a one-thread tweet job (bench/RESULTS.md, 2026-11-30).
  constexpr size_t kPrefetchAhead = 1536;
  size_t prefetched = 0;  // offset in the block up to which lines were prefetched
  while (p < end) {
    const size_t at = static_cast<size_t>(p - base);
    const size_t limit = std::min(lines.size(), at + kPrefetchAhead);
    for (prefetched = std::max(prefetched, at); prefetched < limit; prefetched += 64)
      __builtin_prefetch(base + prefetched);
    const char* nl = static_cast<const char*>(memchr(p, '\n', end - p));
    const char* le = nl ? nl : end;
    decoder->decode(std::string_view(p, le - p), padded - (p - base), out);
    p = le + 1;
  }
}
}  // namespace

Status StreamRuntime::run_inline() {
  LineBlock block;
  DecodedBlock decoded;
  auto decoder = decoders_->create();
  for (;;) {
    EDDY_ASSIGN_OR_RETURN(ReadStatus rs, source_->read(&block, next_deadline()));
    if (rs == ReadStatus::kEnd) return Status::ok();
    if (rs == ReadStatus::kTimeout) {
      if (options_.time_mode == TimeMode::kProcessing)
        op_->on_watermark(options_.clock->now(), emit_);
      EDDY_RETURN_IF_ERROR(emit_status_);
      maybe_progress(false);
      continue;
    }
    decode_block(decoder.get(), block, &decoded);
    EDDY_RETURN_IF_ERROR(source_->check(block));
    EDDY_RETURN_IF_ERROR(sequence(block, decoded));
  }
}

// Parallel mode: a ring of slots; the calling thread fills slots with blocks in order, the
// workers decode any filled slot, and the calling thread sequences slots in order.
struct StreamRuntime::Slot {
  enum State { kFree, kFilled, kDecoding, kDecoded } state = kFree;
  LineBlock block;
  DecodedBlock decoded;
};

Status StreamRuntime::run_parallel() {
  const size_t nslots = static_cast<size_t>(options_.threads) * 2 + 2;
  std::vector<Slot> slots(nslots);
  std::mutex mu;                    // guards every Slot::state, `stop`
  std::condition_variable work_cv;  // a slot became kFilled, or stop
  std::condition_variable done_cv;  // a slot became kDecoded
  bool stop = false;
  std::vector<std::thread> workers;
  for (int i = 0; i < options_.threads; ++i) {
    workers.emplace_back([&] {
      auto decoder = decoders_->create();
      std::unique_lock<std::mutex> l(mu);
      for (;;) {
        Slot* s = nullptr;
        work_cv.wait(l, [&] {
          if (stop) return true;
          for (Slot& c : slots)
            if (c.state == Slot::kFilled) return s = &c, true;
          return false;
        });
        if (!s) return;
        s->state = Slot::kDecoding;
        l.unlock();
        decode_block(decoder.get(), s->block, &s->decoded);
        l.lock();
        s->state = Slot::kDecoded;
        done_cv.notify_all();
      }
    });
  }
  auto shutdown = [&] {
    {
      std::lock_guard<std::mutex> l(mu);
      stop = true;
    }
    work_cv.notify_all();
    for (auto& w : workers) w.join();
  };

  size_t next_fill = 0, next_seq = 0;  // ring indices (monotonic counters)
  bool at_end = false;
  Status status;
  while (status.is_ok()) {
    // Fill free slots while the input has data.
    while (!at_end && next_fill - next_seq < nslots) {
      Slot& s = slots[next_fill % nslots];
      auto rs = source_->read(&s.block, next_deadline());
      if (!rs.is_ok()) {
        status = rs.status();
        break;
      }
      if (*rs == ReadStatus::kEnd) {
        at_end = true;
        break;
      }
      if (*rs == ReadStatus::kTimeout) {
        if (next_fill != next_seq) break;  // sequence what is decoded first
        if (options_.time_mode == TimeMode::kProcessing)
          op_->on_watermark(options_.clock->now(), emit_);
        status = emit_status_;
        maybe_progress(false);
        continue;
      }
      {
        std::lock_guard<std::mutex> l(mu);
        s.state = Slot::kFilled;
      }
      work_cv.notify_one();
      ++next_fill;
      // Live sources: hand over what arrived rather than waiting to fill every slot.
      if (source_->live()) break;
    }
    if (!status.is_ok()) break;
    if (next_seq == next_fill) {
      if (at_end) break;
      continue;
    }
    Slot& s = slots[next_seq % nslots];
    {
      std::unique_lock<std::mutex> l(mu);
      done_cv.wait(l, [&] { return s.state == Slot::kDecoded; });
    }
    status = source_->check(s.block);
    if (status.is_ok()) status = sequence(s.block, s.decoded);
    {
      std::lock_guard<std::mutex> l(mu);
      s.state = Slot::kFree;
    }
    ++next_seq;
  }
  shutdown();
  return status;
}

}  // namespace eddy::engine
