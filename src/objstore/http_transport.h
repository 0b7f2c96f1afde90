// HttpTransport: one HTTP request/response exchange, behind an interface so that the S3
// client's signing, retries and error mapping are tested with a scripted fake, and run over
// libcurl (CurlTransport) in production.
//
// A transport reports only transport failures as errors: kUnavailable (cannot connect,
// connection reset, DNS) and kDeadlineExceeded (connect, request or stall timeout). Any HTTP
// status, 404 or 503 included, is a successful exchange; the caller interprets it.
// Thread-safety: send() may be called from several threads at once. CurlTransport keeps a
// pool of easy handles (each with its connection cache) guarded by one mutex.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace eddy::objstore {

struct HttpRequest {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string url;     // fully encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;  // must outlive send()
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

struct HttpTimeouts {
  Micros connect = 10'000'000;
  Micros request = 300'000'000;
  Micros stall = 30'000'000;  // below 1 KiB/s for this long
};

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(HttpTimeouts timeouts);
  ~CurlTransport() override;
  Result<HttpResponse> send(const HttpRequest& request) override;

 private:
  void* acquire();
  void release(void* handle);

  const HttpTimeouts timeouts_;
  std::mutex mu_;
  std::vector<void*> idle_;  // GUARDED_BY(mu_): CURL* easy handles not in use
};

}  // namespace eddy::objstore
