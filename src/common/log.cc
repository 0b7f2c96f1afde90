#include "common/log.h"

#include <cstdio>
#include <mutex>

namespace eddy {
namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::mutex g_write_mu;
}  // namespace

void set_log_level(LogLevel level) { g_level.store(static_cast<int>(level)); }
LogLevel log_level() { return static_cast<LogLevel>(g_level.load()); }

void log_line(LogLevel level, const std::string& message) {
  static constexpr const char* kPrefix[] = {"debug", "info", "warning", "error"};
  std::string line = std::string("eddy: ") + kPrefix[static_cast<int>(level)] + ": " + message;
  line += '\n';
  std::lock_guard<std::mutex> l(g_write_mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

bool RateLimitedWarning::warn(const std::string& message) {
  Micros now = clock_->now();
  Micros next = next_allowed_.load();
  if (now < next || !next_allowed_.compare_exchange_strong(next, now + interval_)) {
    suppressed_.fetch_add(1);
    return false;
  }
  uint64_t n = suppressed_.exchange(0);
  if (n > 0)
    EDDY_WARN(message << " (" << n << " similar warnings suppressed)");
  else
    EDDY_WARN(message);
  return true;
}

}  // namespace eddy
