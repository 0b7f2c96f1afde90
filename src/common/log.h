// Minimal leveled logging to stderr, plus a rate-limited warning for per-record problems.
//
// Why not spdlog: Eddy's logs are a handful of lines to stderr; the one feature we need that
// a plain stream lacks is rate limiting of per-record warnings (RateLimitedWarning), which
// spdlog does not provide either. Thread-safe: each line is written with one fwrite under a
// mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <sstream>
#include <string>

#include "common/clock.h"

namespace eddy {

enum class LogLevel { kDebug = 0, kInfo, kWarn, kError };

void set_log_level(LogLevel level);
LogLevel log_level();
void log_line(LogLevel level, const std::string& message);

// Allows at most one message per `interval` of clock time; counts the ones it suppressed and
// reports that number with the next message it lets through. Thread-safe.
class RateLimitedWarning {
 public:
  explicit RateLimitedWarning(Micros interval = 1000000, Clock* clock = SystemClock::instance())
      : interval_(interval), clock_(clock) {}
  // Returns true if the message was written.
  bool warn(const std::string& message);
  uint64_t suppressed() const { return suppressed_.load(); }

 private:
  Micros interval_;
  Clock* clock_;
  std::atomic<Micros> next_allowed_{0};
  std::atomic<uint64_t> suppressed_{0};
};

}  // namespace eddy

#define EDDY_LOG(level, expr)                                        \
  do {                                                               \
    if (static_cast<int>(level) >= static_cast<int>(::eddy::log_level())) { \
      std::ostringstream eddy_log_os_;                               \
      eddy_log_os_ << expr;                                          \
      ::eddy::log_line(level, eddy_log_os_.str());                   \
    }                                                                \
  } while (0)
#define EDDY_INFO(expr) EDDY_LOG(::eddy::LogLevel::kInfo, expr)
#define EDDY_WARN(expr) EDDY_LOG(::eddy::LogLevel::kWarn, expr)
#define EDDY_ERROR(expr) EDDY_LOG(::eddy::LogLevel::kError, expr)
