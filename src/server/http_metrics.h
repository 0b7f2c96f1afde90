// HttpMetrics: the HTTP layer's Prometheus series for /metrics — requests by method, route
// template and status code, and a latency histogram by method and route (time from request
// start to the last byte of the response; for a watch stream, to its headers).
// Ownership: owned by the ApiServer. Thread-safety: record() and text() from any thread (one
// lock guards the series).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>

namespace eddy::server {

class HttpMetrics {
 public:
  void record(const std::string& method, const std::string& route, int code, double seconds) {
    std::lock_guard<std::mutex> l(mu_);
    ++requests_[{method, route, code}];
    Series& s = latency_[{method, route}];
    size_t b = 0;
    while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
    ++s.buckets[b];
    s.sum += seconds;
    ++s.count;
  }

  // The Prometheus text of the counters and histograms.
  std::string text() const;

 private:
  static constexpr std::array<double, 13> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                      0.25,  0.5,    1,     2.5,  10,    30};
  struct Series {
    std::array<uint64_t, kBuckets.size() + 1> buckets{};
    double sum = 0;
    uint64_t count = 0;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;  // GUARDED_BY(mu_)
  std::map<std::pair<std::string, std::string>, Series> latency_;           // GUARDED_BY(mu_)
};

}  // namespace eddy::server
