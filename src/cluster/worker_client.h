// WorkerClient: the worker's side of the worker protocol (docs/worker-protocol.md) — JSON
// POSTs to the server's /v1/workers/ routes with the bearer token, timeouts, and retries with
// backoff (50 ms doubling up to 1 s) while the server cannot be reached.
//
// Errors: kUnavailable when the server cannot be reached or answers 5xx/429 (retrying may
// help: a restarting server); the protocol's 4xx answers as kNotFound (404: unknown cluster or
// worker), kFailedPrecondition (409: cluster terminating), kPermissionDenied (401/403) and
// kInvalidArgument (other 4xx), with the server's error message.
//
// Ownership and thread-safety: each call uses its own httplib::Client (connection), so the
// lease long-poll, heartbeats and log posts run concurrently from different threads. shutdown()
// may be called from any thread: it aborts the calls in flight (the lease long-poll) and makes
// every later call fail at once.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "common/clock.h"
#include "common/status.h"

namespace httplib {
class Client;
}

namespace eddy::cluster {

struct WorkerClientOptions {
  std::string server_url;  // "http://127.0.0.1:8998" (a path prefix is kept: "http://h/eddy")
  std::string token;       // "" = no Authorization header
  Micros connect_timeout = 2'000'000;
  Micros request_timeout = 10'000'000;  // read/write timeout of a call (a lease adds its wait)
  Micros max_backoff = 1'000'000;
};

class WorkerClient {
 public:
  // Checks the URL (http:// or https://).
  static Result<std::unique_ptr<WorkerClient>> create(WorkerClientOptions options,
                                                      Clock* clock = SystemClock::instance());
  ~WorkerClient();
  WorkerClient(const WorkerClient&) = delete;
  WorkerClient& operator=(const WorkerClient&) = delete;

  // One POST of `body` to `path` (under /v1/workers/); the answer's JSON body. `extra_wait`
  // lengthens the read timeout (a long-poll).
  Result<nlohmann::json> call(const std::string& path, const nlohmann::json& body,
                              Micros extra_wait = 0);
  // call(), retried while it fails with kUnavailable and keep_trying(that failure) says so;
  // returns the last error otherwise.
  using KeepTrying = std::function<bool(const Status& failure)>;
  Result<nlohmann::json> call_with_retry(const std::string& path, const nlohmann::json& body,
                                         const KeepTrying& keep_trying, Micros extra_wait = 0);

  // Routes of the protocol, without retries.
  Result<nlohmann::json> register_worker(const nlohmann::json& body);
  Result<nlohmann::json> heartbeat(const std::string& worker, const nlohmann::json& body);
  Result<nlohmann::json> lease(const std::string& worker, const nlohmann::json& body, Micros wait);
  Result<nlohmann::json> log(const std::string& worker, const nlohmann::json& body);
  Result<nlohmann::json> done(const std::string& worker, const nlohmann::json& body);

  // Clock time of the last answer from the server (any HTTP status), or of create(): what
  // the worker's orphan timeout is measured from.
  Micros last_contact() const;
  // Aborts calls in flight and fails all later ones (the worker is stopping).
  void shutdown();
  bool is_shut_down() const;
  // Sleeps for `d` unless shutdown() comes first; returns false if it did.
  bool sleep_for(Micros d);

 private:
  WorkerClient(WorkerClientOptions options, std::string base, std::string prefix, Clock* clock);

  const WorkerClientOptions options_;
  const std::string base_;    // "http://host:port"
  const std::string prefix_;  // path before /v1/workers ("" or "/eddy")
  Clock* const clock_;

  mutable std::mutex mu_;
  std::condition_variable shutdown_cv_;   // signalled by shutdown()
  std::set<httplib::Client*> in_flight_;  // GUARDED_BY(mu_): clients of running calls
  bool shut_down_ = false;                // GUARDED_BY(mu_)
  Micros last_contact_ = 0;               // GUARDED_BY(mu_)
};

}  // namespace eddy::cluster
