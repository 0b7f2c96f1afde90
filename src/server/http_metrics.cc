// HttpMetrics (http_metrics.h).
#include "server/http_metrics.h"

#include <sstream>

namespace eddy::server {
namespace {

// A Prometheus label value: backslash, double quote and newline escaped.
std::string escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string HttpMetrics::text() const {
  std::ostringstream os;
  std::lock_guard<std::mutex> l(mu_);
  os << "# HELP eddy_http_requests_total HTTP requests served, by route and status code.\n"
     << "# TYPE eddy_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, code] = key;
    os << "eddy_http_requests_total{method=\"" << method << "\",route=\"" << escape(route)
       << "\",code=\"" << code << "\"} " << n << "\n";
  }
  os << "# HELP eddy_http_request_duration_seconds Time from request start to the last byte "
        "of the response.\n"
     << "# TYPE eddy_http_request_duration_seconds histogram\n";
  for (const auto& [key, s] : latency_) {
    const auto& [method, route] = key;
    const std::string labels = "method=\"" + method + "\",route=\"" + escape(route) + "\"";
    uint64_t cumulative = 0;
    for (size_t b = 0; b < kBuckets.size(); ++b) {
      cumulative += s.buckets[b];
      os << "eddy_http_request_duration_seconds_bucket{" << labels << ",le=\"" << kBuckets[b]
         << "\"} " << cumulative << "\n";
    }
    cumulative += s.buckets[kBuckets.size()];
    os << "eddy_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} " << cumulative
       << "\n";
    os << "eddy_http_request_duration_seconds_sum{" << labels << "} " << s.sum << "\n";
    os << "eddy_http_request_duration_seconds_count{" << labels << "} " << s.count << "\n";
  }
  return os.str();
}

}  // namespace eddy::server
