// NativeApi: the /v1/ routes of docs/api.md over ControlPlane — create (JSON, or YAML when the
// Content-Type says so), get, list with labelSelector, PUT, DELETE, /log paging and watch as
// server-sent events — plus the worker protocol (/v1/workers/..., docs/worker-protocol.md).
//
// Watch streams: each watching connection subscribes to the ControlPlane with a callback that
// only appends a formatted event to the connection's queue (the callback must not block); the
// connection's httplib thread waits on the queue's condition variable and writes. The current
// object(s) go first as ADDED; queued changes the initial snapshot already reflects (same name,
// version not newer) are dropped. An idle stream gets ": ping" every ping interval, which is also
// how a vanished client is noticed (the write fails → unsubscribe). A queue that overflows ends
// its stream (the client re-watches) rather than growing without bound.
//
// Ownership: holds the ControlPlane by pointer; owns the registry of live watch streams.
// Thread-safety: handlers run concurrently on httplib's threads; mu_ guards the registry.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "server/routes.h"

namespace eddy::controlplane {
class ControlPlane;
}

namespace eddy::server {

struct NativeApiOptions {
  Micros watch_ping_interval = 15'000'000;
  size_t watch_queue_limit = 10'000;  // events queued for one slow client before its stream ends
};

class NativeApi {
 public:
  NativeApi(controlplane::ControlPlane* control_plane, NativeApiOptions options);
  ~NativeApi();
  NativeApi(const NativeApi&) = delete;
  NativeApi& operator=(const NativeApi&) = delete;

  void add_routes(std::vector<Route>* routes);
  // Ends every watch stream (their threads return) and refuses new ones.
  void shutdown();
  size_t active_watches() const;

 private:
  struct WatchStream;
  void create(const httplib::Request& req, httplib::Response& res);
  void list(const httplib::Request& req, httplib::Response& res);
  void get(const httplib::Request& req, httplib::Response& res);
  void replace(const httplib::Request& req, httplib::Response& res);
  void remove(const httplib::Request& req, httplib::Response& res);
  void log(const httplib::Request& req, httplib::Response& res);
  void watch(const std::string& kind, const std::string& name, httplib::Response& res);

  controlplane::ControlPlane* cp_;
  NativeApiOptions options_;
  mutable std::mutex mu_;
  std::set<std::shared_ptr<WatchStream>> watches_;  // GUARDED_BY(mu_)
  bool shutting_down_ = false;                      // GUARDED_BY(mu_)
};

}  // namespace eddy::server
