// ApiServer: the HTTP face of `eddy serve` (docs/api.md). One port, three APIs over one
// ControlPlane: the native API (/v1/..., server/native_api.h), Livy 0.8 (/sessions, /batches,
// server/livy_api.h) and EMR's JSON protocol (POST / + X-Amz-Target, server/emr_api.h), plus
// /healthz, /metrics and /openapi.json.
//
// Every route lives in ONE table (Route below): the same entries register the handlers with
// httplib and produce /openapi.json, so the document cannot drift from what is served.
//
// What the server guarantees for every request: bodies over max_body_bytes get 413; when bound
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

namespace eddy::controllers {
class ControlPlane;
}

namespace eddy::server {

// ---- the route table (shared with native_api, livy_api, emr_api) ----

// Path parameters arrive in req.matches[1..], in the order of the `{name}` segments of the
// route's path.
using RouteHandler = std::function<void(const httplib::Request&, httplib::Response&)>;

struct Route {
  std::string method;                   // "GET", "POST", "PUT", "DELETE"
  std::string path;                     // OpenAPI path template: "/v1/{plural}/{name}/log"
  std::string summary;                  // one line for /openapi.json
  std::string tag;                      // "native", "livy", "emr", "workers", "operations"
  std::vector<std::string> query;       // query parameters the handler reads
  std::vector<std::string> headers;     // request headers the handler reads (beyond auth)
  std::vector<std::string> body_types;  // request body media types; empty = no body
  int success = 200;                    // HTTP status on success
  std::string response_type = "application/json";
  bool public_route = false;  // true: no bearer token needed (/healthz)
  RouteHandler handler;
};

// "/v1/{plural}/{name}" → "/v1/([^/]+)/([^/]+)" (what httplib matches against).
std::string route_regex(const std::string& path_template);
// The OpenAPI 3.0 document of `routes`.
nlohmann::json build_openapi(const std::vector<Route>& routes);

// ---- request helpers shared by the adapters ----

// Parses a request body as JSON; errors name the position: "invalid JSON at line 1, column 9:
// syntax error while parsing object - ...". An empty body is an error too.
Result<nlohmann::json> parse_json_body(const std::string& body);
// An integer query parameter: `dflt` when absent; an error naming the parameter when not an
// integer.
Result<int64_t> query_int(const httplib::Request& req, const std::string& key, int64_t dflt);
// True for "127.0.0.1" (any 127/8), "::1" and "localhost".
bool is_loopback_host(const std::string& host);

// ---- the server ----

struct ApiServerOptions {
  std::string host = "127.0.0.1";
  int port = 8998;                   // 0: an ephemeral port (see ApiServer::port())
  std::string token;                 // required when `host` is not loopback
  size_t threads = 256;              // a connection holds a thread while it is open:
                                     // ≥ 200 concurrent clients plus watches and leases
  size_t max_body_bytes = 8u << 20;  // larger bodies: 413
  int read_timeout_seconds = 30;
  int write_timeout_seconds = 30;
  int listen_backlog = 1024;                // httplib's built-in backlog is 5
  Micros watch_ping_interval = 15'000'000;  // ": ping" comment on idle watch streams
};

class NativeApi;
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
  Status start(controllers::ControlPlane* control_plane);
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
  controllers::ControlPlane* control_plane_ = nullptr;
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
