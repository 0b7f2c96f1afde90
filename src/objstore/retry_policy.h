// RetryPolicy: how often and how long the S3 client retries a failed request — exponential
// backoff with jitter, on throttling (429, 503 SlowDown), server errors (500, 502, 503, 504),
// and connection failures and timeouts, as AWS's SDKs do.
//
// Waiting goes through an injected Clock, so tests run the whole schedule on a ManualClock
// without sleeping. The jitter comes from a seeded generator (common/random.h): the same seed,
// the same waits.
// Thread-safety: const methods are safe from any thread (the jitter generator is locked).
#pragma once

#include <cstdint>
#include <mutex>

#include "common/clock.h"
#include "common/random.h"

namespace eddy::objstore {

struct RetryOptions {
  int max_attempts = 5;  // first try included; AWS_MAX_ATTEMPTS overrides
  Micros initial_backoff = 200'000;
  Micros max_backoff = 10'000'000;
};

class RetryPolicy {
 public:
  explicit RetryPolicy(RetryOptions options, Clock* clock = SystemClock::instance(),
                       uint64_t seed = 0x5eed)
      : options_(options), clock_(clock), rng_(seed) {}

  const RetryOptions& options() const { return options_; }
  Clock* clock() const { return clock_; }
  // True if another attempt may follow attempt number `attempt` (1-based).
  bool should_retry(int attempt) const { return attempt < options_.max_attempts; }
  // Wait before attempt `attempt + 1`: uniform in [d/2, d], d = min(max, initial * 2^(attempt-1)).
  Micros backoff(int attempt) const;
  // Sleeps on the clock for backoff(attempt).
  void wait(int attempt) const;

  // Whether a response with this HTTP status and S3 error code is worth retrying.
  static bool is_retryable_http(long http_status, const std::string& s3_code);

 private:
  const RetryOptions options_;
  Clock* const clock_;
  mutable std::mutex mu_;
  mutable Xoshiro256 rng_;  // GUARDED_BY(mu_)
};

}  // namespace eddy::objstore
