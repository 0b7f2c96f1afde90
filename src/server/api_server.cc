#include "server/api_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>

#include "aws/sigv4_verify.h"
#include "common/constant_time.h"
#include "common/log.h"
#include "controlplane/control_plane.h"
#include "server/connection_watchdog.h"
#include "server/elastic_thread_pool.h"
#include "server/emr_api.h"
#include "server/http_metrics.h"
#include "server/http_status.h"
#include "server/livy_api.h"
#include "server/native_api.h"

namespace eddy::server {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// errors in the shape of the API a request was meant for

namespace {

enum class Family { kNative, kLivy, kEmr };

bool under(const std::string& path, const char* prefix) {
  const size_t n = std::strlen(prefix);
  return path.compare(0, n, prefix) == 0 && (path.size() == n || path[n] == '/');
}

Family family_of(const httplib::Request& req) {
  if (under(req.path, "/sessions") || under(req.path, "/batches")) return Family::kLivy;
  if (req.path == "/" && req.has_header("X-Amz-Target")) return Family::kEmr;
  return Family::kNative;
}

void set_family_error(Family family, httplib::Response& res, int http, const std::string& code,
                      const std::string& emr_type, const std::string& message) {
  switch (family) {
    case Family::kLivy:
      set_livy_error(res, http, message);
      break;
    case Family::kEmr:
      set_emr_error(res, http, emr_type, message);
      break;
    case Family::kNative:
      set_json(res, http, {{"error", {{"code", code}, {"message", message}}}});
      break;
  }
}

// The connection this thread serves (its ConnectionWatchdog id; 0: none).
thread_local uint64_t t_connection = 0;

// Why a request that may change state is refused as a browser's cross-site request, or "".
// Browsers send these three media types (and an Origin) from any page without asking the server
// first; every Eddy API takes JSON or YAML, which a page of another origin cannot send. A
// request whose Origin is another site is refused unless it carries X-Requested-By, which only a
// same-origin page or a non-browser client can add (Livy's CSRF rule).
std::string cross_site_refusal(const httplib::Request& req, int* http) {
  if (req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS") return "";
  const std::string type = media_type(req);
  if (type == "text/plain" || type == "application/x-www-form-urlencoded" ||
      type == "multipart/form-data") {
    *http = 415;
    return "a request body of type " + type +
           " is not accepted: send JSON with 'Content-Type: application/json' (or a manifest as "
           "application/yaml)";
  }
  const std::string origin = req.get_header_value("Origin");
  if (!origin.empty() && !req.has_header("X-Requested-By")) {
    const std::string host = req.get_header_value("Host");
    if (origin != "http://" + host && origin != "https://" + host) {
      *http = 403;
      return "cross-origin request from " + origin.substr(0, 200) +
             " refused: a browser page of another site may not change this server's state "
             "(non-browser clients: omit Origin or send X-Requested-By)";
    }
  }
  return "";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// the server

// httplib::Server with access to its listening socket, to widen the backlog it hard-codes to 5
// (Linux updates the backlog of a socket that is already listening).
class ApiServer::HttpServer : public httplib::Server {
 public:
  bool widen_backlog(int backlog) { return ::listen(svr_sock_, backlog) == 0; }
  // A bound socket that was never served (bind() without start()) is not closed by httplib.
  void release_unserved_socket() {
    socket_t s = svr_sock_.exchange(INVALID_SOCKET);
    if (s != INVALID_SOCKET) ::close(s);
  }
};

ApiServer::ApiServer(ApiServerOptions options)
    : options_(std::move(options)),
      watchdog_(std::make_unique<ConnectionWatchdog>()),
      server_(std::make_unique<HttpServer>()),
      metrics_(std::make_unique<HttpMetrics>()) {}

ApiServer::~ApiServer() {
  stop();
  if (!started_) server_->release_unserved_socket();
}

void ApiServer::add_route(Route route) {
  EDDY_CHECK(!started_) << "add_route after start()";
  routes_.push_back(std::move(route));
}

std::string ApiServer::metrics_text() {
  std::string text = control_plane_->metrics_text();
  if (!text.empty() && text.back() != '\n') text += '\n';
  text += metrics_->text();
  text +=
      "# HELP eddy_http_watch_streams Open watch (server-sent events) streams.\n"
      "# TYPE eddy_http_watch_streams gauge\n"
      "eddy_http_watch_streams " +
      std::to_string(native_ ? native_->active_watches() : 0) + "\n";
  text +=
      "# HELP eddy_http_connections_timed_out_total Connections closed for missing their header "
      "or body deadline.\n"
      "# TYPE eddy_http_connections_timed_out_total counter\n"
      "eddy_http_connections_timed_out_total " +
      std::to_string(watchdog_->expired()) + "\n";
  return text;
}

Status ApiServer::bind() {
  if (port_ > 0) return Status::ok();
  if (!is_loopback_host(options_.host) && options_.token.empty()) {
    return failed_precondition("--bind " + options_.host +
                               ": not a loopback address, so a bearer token is required "
                               "(--token-file, or let eddy serve generate DATA_DIR/token)");
  }
  configure_server();
  int port = -1;
  if (options_.port == 0) {
    port = server_->bind_to_any_port(options_.host);
  } else if (server_->bind_to_port(options_.host, options_.port)) {
    port = options_.port;
  }
  if (port <= 0) {
    return unavailable("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                       " (address in use, or not an address of this machine)");
  }
  port_ = port;
  if (!server_->widen_backlog(options_.listen_backlog)) {
    EDDY_WARN("eddy serve: could not widen the listen backlog: " << std::strerror(errno));
  }
  return Status::ok();
}

Status ApiServer::start(controlplane::ControlPlane* control_plane) {
  if (started_) return failed_precondition("the API server is already started");
  EDDY_CHECK(control_plane != nullptr);
  EDDY_RETURN_IF_ERROR(bind());
  started_ = true;
  control_plane_ = control_plane;

  NativeApiOptions native_options;
  native_options.watch_ping_interval = options_.watch_ping_interval;
  native_ = std::make_unique<NativeApi>(control_plane_, native_options);
  livy_ = std::make_unique<LivyApi>(control_plane_);
  emr_ = std::make_unique<EmrApi>(control_plane_);

  std::vector<Route> extra = std::move(routes_);
  routes_.clear();
  routes_.push_back({"GET",
                     "/healthz",
                     "Liveness: answers ok",
                     "operations",
                     {},
                     {},
                     {},
                     200,
                     "text/plain",
                     true,
                     [](const httplib::Request&, httplib::Response& res) {
                       res.set_content("ok\n", "text/plain");
                     }});
  routes_.push_back({"GET",
                     "/metrics",
                     "Prometheus metrics of the control plane and HTTP",
                     "operations",
                     {},
                     {},
                     {},
                     200,
                     "text/plain",
                     false,
                     [this](const httplib::Request&, httplib::Response& res) {
                       res.set_content(metrics_text(), "text/plain; version=0.0.4");
                     }});
  routes_.push_back(
      {"GET",
       "/openapi.json",
       "This API's OpenAPI 3.0 description",
       "operations",
       {},
       {},
       {},
       200,
       "application/json",
       false,
       [this](const httplib::Request&, httplib::Response& res) { set_json(res, 200, openapi()); }});
  native_->add_routes(&routes_);
  livy_->add_routes(&routes_);
  emr_->add_routes(&routes_);
  for (auto& r : extra) routes_.push_back(std::move(r));
  register_routes();

  listen_thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() is a no-op on a server that is not running yet: wait until it is.
  for (int i = 0; i < 5000 && !server_->is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return Status::ok();
}

void ApiServer::configure_server() {
  const size_t threads = std::max<size_t>(options_.threads, 4);
  ConnectionWatchdog* watchdog = watchdog_.get();
  const auto header_timeout = std::chrono::seconds(options_.header_timeout_seconds);
  server_->new_task_queue = [threads, watchdog, header_timeout] {
    return new ElasticThreadPool(
        threads, [watchdog, header_timeout](int sock, const std::function<void()>& task) {
          const uint64_t id =
              sock >= 0 ? watchdog->watch(sock, ConnectionWatchdog::Clock::now() + header_timeout)
                        : 0;
          t_connection = id;
          task();
          t_connection = 0;
          if (id != 0) watchdog->forget(id);
        });
  };
  server_->set_payload_max_length(options_.max_body_bytes);
  server_->set_read_timeout(options_.read_timeout_seconds, 0);
  server_->set_write_timeout(options_.write_timeout_seconds, 0);
  server_->set_keep_alive_max_count(1000);
  server_->set_keep_alive_timeout(options_.keep_alive_seconds);
  server_->set_tcp_nodelay(true);
  // httplib's default also sets SO_REUSEPORT, which lets a second `eddy serve` bind the same port
  // and silently take half the requests: only SO_REUSEADDR (restart without TIME_WAIT trouble).
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
#ifdef SO_REUSEPORT
    // Debian's compiled libcpp-httplib may set SO_REUSEPORT itself: switch it off explicitly.
    int no = 0;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEPORT, &no, sizeof no);
#endif
  });

  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    current_request() = RequestContext{};
    current_request().start = std::chrono::steady_clock::now();
    current_request().started = true;
    // The headers are in; the body (read next, by httplib or a route's content reader) has its
    // own deadline.
    if (t_connection != 0)
      watchdog_->set_deadline(t_connection, ConnectionWatchdog::Clock::now() +
                                                std::chrono::seconds(options_.body_timeout_seconds));
    // HTTP/1.1: a request without Content-Length or Transfer-Encoding has no body. httplib 0.11
    // would wait for one until the connection closes (`curl -XPOST .../cancel` hung, then got
    // 400): say so in the headers it reads next. The Request is httplib's own, not const.
    if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding"))
      const_cast<httplib::Request&>(req).headers.emplace("Content-Length", "0");
    auto admitted = [&] {
      int http = 0;
      const std::string why = cross_site_refusal(req, &http);
      if (why.empty()) return httplib::Server::HandlerResponse::Unhandled;
      res.set_header("Connection", "close");  // the unread body must not be parsed as a request
      set_family_error(family_of(req), res, http, http == 415 ? "UnsupportedMediaType"
                                                              : "PermissionDenied",
                       http == 415 ? "InvalidRequestException" : "AccessDeniedException", why);
      return httplib::Server::HandlerResponse::Handled;
    };
    if (options_.token.empty() || req.path == "/healthz") return admitted();
    const std::string auth = req.get_header_value("Authorization");
    if (auth.size() > 7 && strncasecmp(auth.c_str(), "Bearer ", 7) == 0 &&
        constant_time_equal(auth.substr(7), options_.token)) {
      return admitted();
    }
    // A signature covers the body, which httplib reads after this handler: the route's
    // wrapper (register_routes) verifies it.
    if (aws::is_sigv4_authorization(auth)) {
      current_request().sigv4 = true;
      return admitted();
    }
    res.set_header("WWW-Authenticate", "Bearer realm=\"eddy\"");
    res.set_header("Connection", "close");  // the unread body must not be parsed as a request
    set_family_error(family_of(req), res, 401, "Unauthenticated", "UnrecognizedClientException",
                     auth.empty() ? "this server needs 'Authorization: Bearer TOKEN' (the token "
                                    "is in the server's DATA_DIR/token or --token-file)"
                                  : "the bearer token is not valid for this server");
    return httplib::Server::HandlerResponse::Handled;
  });

  server_->set_exception_handler([](const httplib::Request& req, httplib::Response& res,
                                    std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    EDDY_ERROR("eddy serve: " << req.method << " " << req.path << ": handler failed: " << what);
    res.headers.clear();
    res.body.clear();
    res.content_provider_ = nullptr;
    res.is_chunked_content_provider_ = false;
    set_family_error(family_of(req), res, 500, wire_code_name(StatusCode::kInternal),
                     "InternalServerException",
                     "internal error while serving " + req.method + " " + req.path + ": " + what);
  });

  server_->set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty() || res.content_provider_)
          return httplib::Server::HandlerResponse::Unhandled;
        std::string code = "Internal";
        std::string emr_type = "InternalServerException";
        std::string message = "HTTP " + std::to_string(res.status);
        switch (res.status) {
          case 404:
            code = "NotFound";
            emr_type = "UnknownOperationException";
            message = "no route for " + req.method + " " + req.path;
            break;
          case 413:
            code = "PayloadTooLarge";
            emr_type = "InvalidRequestException";
            message = "the request body is larger than the limit of " +
                      std::to_string(options_.max_body_bytes) + " bytes";
            break;
          case 400:
            code = "InvalidArgument";
            emr_type = "InvalidRequestException";
            message = "malformed HTTP request";
            break;
          case 414:
            code = "InvalidArgument";
            emr_type = "InvalidRequestException";
            message = "the request URL is longer than the limit of 8192 bytes";
            break;
          default:
            break;
        }
        set_family_error(family_of(req), res, res.status, code, emr_type, message);
        return httplib::Server::HandlerResponse::Handled;
      }));

  // Counted before the response is written (post-routing), so a client that reads /metrics
  // right after a response sees it counted; a watch stream's latency is its time to headers.
  server_->set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    double seconds = 0;
    if (current_request().started) {
      seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - current_request().start).count();
    }
    const std::string route = current_request().route ? current_request().route->path : "unmatched";
    metrics_->record(req.method, route, res.status, seconds);
    // Next: the response is written, then the connection waits for another request's headers.
    // A streamed response (a watch's server-sent events) is written after this for as long as
    // it lasts: no deadline (its writes still time out, and it pings when idle).
    if (t_connection != 0)
      watchdog_->set_deadline(
          t_connection, res.content_provider_
                            ? ConnectionWatchdog::Clock::time_point::max()
                            : ConnectionWatchdog::Clock::now() +
                                  std::chrono::seconds(options_.write_timeout_seconds + options_.keep_alive_seconds +
                                                       options_.header_timeout_seconds));
    EDDY_LOG(LogLevel::kDebug, "http " << req.remote_addr << " " << req.method << " " << req.path
                                       << " " << res.status << " "
                                       << static_cast<int64_t>(seconds * 1e6) << "us");
    current_request() = RequestContext{};
  });
}

void ApiServer::register_routes() {
  for (const Route& r : routes_) {
    const Route* route = &r;  // routes_ is not modified after start()
    httplib::Server::Handler handler = [this, route](const httplib::Request& req,
                                                     httplib::Response& res) {
      current_request().route = route;
      // The request is in: a handler may run as long as it must (watch streams, long polls).
      if (t_connection != 0)
        watchdog_->set_deadline(t_connection, ConnectionWatchdog::Clock::time_point::max());
      if (current_request().sigv4) {
        Status s = route->tag != "emr"
                       ? permission_denied("AWS SigV4 signatures are accepted on the EMR API "
                                           "only; send 'Authorization: Bearer TOKEN'")
                       : aws::verify_sigv4(to_sigv4_request(req), req.get_header_value("Authorization"),
                                      options_.token, SystemClock::instance()->now());
        if (!s.is_ok()) {
          res.set_header("Connection", "close");
          return set_family_error(family_of(req), res, 401, "Unauthenticated",
                                  "InvalidSignatureException", s.message());
        }
      }
      route->handler(req, res);
    };
    // httplib 0.11 caps a body by its Content-Length only, and reads a chunked one whole (a
    // 100 MB chunked POST was stored): routes that take a body read it here, capped either way.
    httplib::Server::HandlerWithContentReader with_body =
        [this, handler](const httplib::Request& req, httplib::Response& res,
                        const httplib::ContentReader& reader) {
          std::string body;
          bool too_large = false;
          const bool read = reader([&](const char* data, size_t n) {
            if (body.size() + n > options_.max_body_bytes) {
              too_large = true;
              return false;
            }
            body.append(data, n);
            return true;
          });
          if (!read || too_large) {
            res.set_header("Connection", "close");  // the rest of the body is not read
            if (too_large || res.status == 413) {
              res.status = 413;
              return set_family_error(family_of(req), res, 413, "PayloadTooLarge",
                                      "InvalidRequestException",
                                      "the request body is larger than the limit of " +
                                          std::to_string(options_.max_body_bytes) + " bytes");
            }
            return set_family_error(family_of(req), res, 400, "InvalidArgument",
                                    "InvalidRequestException",
                                    "the request body could not be read (closed early or "
                                    "malformed chunked encoding)");
          }
          httplib::Request with = req;  // matches point into req.path, alive for the call
          with.body = std::move(body);
          handler(with, res);
        };
    const std::string pattern = route_regex(r.path);
    if (r.method == "GET") {
      server_->Get(pattern, handler);
    } else if (r.method == "POST") {
      server_->Post(pattern, with_body);
    } else if (r.method == "PUT") {
      server_->Put(pattern, with_body);
    } else if (r.method == "DELETE") {
      server_->Delete(pattern, with_body);
    } else if (r.method == "PATCH") {
      server_->Patch(pattern, with_body);
    } else {
      EDDY_CHECK(false) << "unsupported method " << r.method << " for " << r.path;
    }
    registered_.push_back(r.method + " " + r.path);
  }
}

void ApiServer::close() {
  if (!started_ || closed_.exchange(true)) return;
  if (native_) native_->shutdown();
  server_->stop();
}

void ApiServer::stop() {
  close();
  if (listen_thread_.joinable()) listen_thread_.join();
}

}  // namespace eddy::server
