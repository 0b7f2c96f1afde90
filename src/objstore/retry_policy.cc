#include "objstore/retry_policy.h"

#include <algorithm>
#include <string>

namespace eddy::objstore {

Micros RetryPolicy::backoff(int attempt) const {
  Micros d = options_.initial_backoff;
  for (int i = 1; i < attempt && d < options_.max_backoff; ++i) d *= 2;
  d = std::min(d, options_.max_backoff);
  if (d <= 1) return d;
  std::lock_guard<std::mutex> l(mu_);
  return d / 2 + static_cast<Micros>(rng_.below(static_cast<uint64_t>(d - d / 2) + 1));
}

void RetryPolicy::wait(int attempt) const { clock_->sleep_until(clock_->now() + backoff(attempt)); }

bool RetryPolicy::is_retryable_http(long http_status, const std::string& s3_code) {
  if (http_status == 429 || http_status == 500 || http_status == 502 || http_status == 503 ||
      http_status == 504) {
    return true;
  }
  return s3_code == "SlowDown" || s3_code == "RequestTimeout" || s3_code == "InternalError" ||
         s3_code == "ServiceUnavailable" || s3_code == "Throttling";
}

}  // namespace eddy::objstore
