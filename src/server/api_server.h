// ApiServer: the HTTP face of `eddy serve` (docs/api.md). One port, three APIs over one
// ControlPlane: the native API (/v1/..., server/native_api.h), Livy 0.8 (/sessions, /batches,
// server/livy_api.h) and EMR's JSON protocol (POST / + X-Amz-Target, server/emr_api.h), plus
// /healthz, /metrics and /openapi.json.
//
// Every route lives in ONE table (server/routes.h): the same entries register the handlers with
// httplib and produce /openapi.json, so the document cannot drift from what is served.
//
// What the server guarantees for every request: bodies over max_body_bytes get 413 (chunked
// ones too); headers and bodies must arrive within their deadlines or the connection is closed
// (server/connection_watchdog.h); a body must be JSON or YAML, never a browser form's or
// text/plain (415), and a state-changing request from a browser page of another origin is
// refused (403; the cross-site request forgery a loopback server is exposed to); when bound
// to a non-loopback address every route except /healthz needs `Authorization: Bearer TOKEN`
// (constant-time compare; EMR clients too — see docs/livy.md for boto3); an exception escaping a
// handler becomes a 500 in the API's error shape (the server never dies of a request); every
// request is counted by route and status code with its latency (/metrics) and logged at debug
// level.
//
// Ownership: holds the ControlPlane by pointer (the caller keeps it alive until stop() returned)
// and owns the httplib server, its thread pool and the three API adapters.
// Thread-safety: start()/stop() from one thread; handlers run on the pool's threads; the
// accessors are safe from any thread once start() returned.
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "server/request.h"  // is_loopback_host: callers check --bind with it too
#include "server/routes.h"

namespace eddy::controlplane {
class ControlPlane;
}

namespace eddy::server {

struct ApiServerOptions {
  std::string host = "127.0.0.1";
  int port = 8998;                   // 0: an ephemeral port (see ApiServer::port())
  std::string token;                 // required when `host` is not loopback
  // A connection holds a thread while it is open; threads start as connections need them, up
  // to this ceiling (server/elastic_thread_pool.h), so idle or slow clients never queue others.
  size_t threads = 4096;
  size_t max_body_bytes = 8u << 20;  // larger bodies, whatever their encoding: 413
  int read_timeout_seconds = 30;     // per read (httplib's)
  int write_timeout_seconds = 30;    // per write (httplib's)
  int keep_alive_seconds = 5;        // an idle connection between requests
  int header_timeout_seconds = 10;   // a request's line and headers, in total
  int body_timeout_seconds = 60;     // a request's body, in total, once its headers are in
  int listen_backlog = 1024;                // httplib's built-in backlog is 5
  Micros watch_ping_interval = 15'000'000;  // ": ping" comment on idle watch streams
};

class NativeApi;
class ConnectionWatchdog;
class LivyApi;
class EmrApi;
class HttpMetrics;

class ApiServer {
 public:
  explicit ApiServer(ApiServerOptions options);
  ~ApiServer();  // stop()
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Adds a route before start() (tests add failing handlers this way).
  void add_route(Route route);
  // Binds host:port, so that the port is known (port()) before the ControlPlane, which tells
  // workers where the server is, is built. FailedPrecondition when the host is not loopback and
  // no token was given; Unavailable when the address cannot be bound. start() binds if needed.
  Status bind();
  // Registers the routes over `control_plane` (kept by pointer: it must outlive stop()) and
  // starts serving on a background thread.
  Status start(controlplane::ControlPlane* control_plane);
  // Shutdown in two halves, so the owner can stop the ControlPlane in between (which releases
  // workers' long-polls): close() stops accepting and ends watch streams without waiting;
  // stop() closes and waits for in-flight requests. Both idempotent.
  void close();
  void stop();

  int port() const { return port_; }
  const std::string& host() const { return options_.host; }
  const std::vector<Route>& routes() const { return routes_; }
  // "METHOD PATH" of every route handed to httplib, in registration order.
  const std::vector<std::string>& registered_routes() const { return registered_; }
  nlohmann::json openapi() const { return build_openapi(routes_); }

 private:
  class HttpServer;
  void register_routes();
  void configure_server();
  std::string metrics_text();

  ApiServerOptions options_;
  controlplane::ControlPlane* control_plane_ = nullptr;
  std::unique_ptr<ConnectionWatchdog> watchdog_;  // outlives server_'s threads (declared first)
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpMetrics> metrics_;
  std::unique_ptr<NativeApi> native_;
  std::unique_ptr<LivyApi> livy_;
  std::unique_ptr<EmrApi> emr_;
  std::vector<Route> routes_;  // immutable after start()
  std::vector<std::string> registered_;
  std::thread listen_thread_;
  int port_ = -1;  // set by bind()
  bool started_ = false;
  std::atomic<bool> closed_{false};
};

}  // namespace eddy::server
