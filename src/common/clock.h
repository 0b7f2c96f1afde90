// Clock: the one source of "now" in Eddy, injectable so that timers, replay pacing and
// processing-time windows are tested without sleeping (ManualClock), as Seastar does.
//
// Times are microseconds since the Unix epoch (int64). SystemClock is thread-safe;
// ManualClock is thread-safe too (one mutex), and sleep_until on it returns at once after
// advancing the time, so tests stay deterministic.
#pragma once

#include <cstdint>
#include <mutex>

namespace eddy {

using Micros = int64_t;  // microseconds since the Unix epoch, or a duration in microseconds

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Micros now() const = 0;
  // Blocks until now() >= t (returns at once if already past).
  virtual void sleep_until(Micros t) = 0;
};

class SystemClock final : public Clock {
 public:
  Micros now() const override;
  void sleep_until(Micros t) override;
  static SystemClock* instance();
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(Micros start = 0) : now_(start) {}
  Micros now() const override {
    std::lock_guard<std::mutex> l(mu_);
    return now_;
  }
  // Jumps to t if t is later: a manual clock never waits.
  void sleep_until(Micros t) override { set(t); }
  void set(Micros t) {
    std::lock_guard<std::mutex> l(mu_);
    if (t > now_) now_ = t;
  }
  void advance(Micros d) {
    std::lock_guard<std::mutex> l(mu_);
    now_ += d;
  }

 private:
  mutable std::mutex mu_;
  Micros now_;  // GUARDED_BY(mu_)
};

}  // namespace eddy
