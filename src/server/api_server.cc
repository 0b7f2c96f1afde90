#include "server/api_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <tuple>

#include "aws/sigv4_verify.h"
#include "common/constant_time.h"
#include "common/log.h"
#include "controllers/control_plane.h"
#include "server/emr_api.h"
#include "server/http_status.h"
#include "server/livy_api.h"
#include "server/native_api.h"

namespace eddy::server {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// shared helpers

std::string route_regex(const std::string& path_template) {
  std::string out;
  for (size_t i = 0; i < path_template.size(); ++i) {
    char c = path_template[i];
    if (c == '{') {
      size_t close = path_template.find('}', i);
      EDDY_CHECK(close != std::string::npos) << "unclosed '{' in route " << path_template;
      out += "([^/]+)";
      i = close;
    } else if (std::strchr(".^$|()[]*+?\\", c) != nullptr) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

std::vector<std::string> path_params(const std::string& path_template) {
  std::vector<std::string> names;
  size_t i = 0;
  while ((i = path_template.find('{', i)) != std::string::npos) {
    size_t close = path_template.find('}', i);
    names.push_back(path_template.substr(i + 1, close - i - 1));
    i = close;
  }
  return names;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string operation_id(const Route& r) {
  std::string id = lower(r.method);
  std::string word;
  for (char c : r.path) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += c;
    } else if (!word.empty()) {
      id += "_" + word;
      word.clear();
    }
  }
  if (!word.empty()) id += "_" + word;
  if (r.path == "/") id += "_root";
  return id;
}

}  // namespace

json build_openapi(const std::vector<Route>& routes) {
  json paths = json::object();
  for (const Route& r : routes) {
    json op = json::object();
    op["operationId"] = operation_id(r);
    op["summary"] = r.summary;
    op["tags"] = json::array({r.tag});
    json params = json::array();
    for (const auto& p : path_params(r.path))
      params.push_back(
          {{"name", p}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
    for (const auto& q : r.query)
      params.push_back(
          {{"name", q}, {"in", "query"}, {"required", false}, {"schema", {{"type", "string"}}}});
    for (const auto& h : r.headers)
      params.push_back(
          {{"name", h}, {"in", "header"}, {"required", true}, {"schema", {{"type", "string"}}}});
    if (!params.empty()) op["parameters"] = std::move(params);
    if (!r.body_types.empty()) {
      json content = json::object();
      for (const auto& t : r.body_types) content[t] = {{"schema", {{"type", "object"}}}};
      op["requestBody"] = {{"required", true}, {"content", std::move(content)}};
    }
    const bool livy = r.tag == "livy";
    const bool emr = r.tag == "emr";
    json error_schema = {{"$ref", livy  ? "#/components/schemas/LivyError"
                                  : emr ? "#/components/schemas/EmrError"
                                        : "#/components/schemas/Error"}};
    op["responses"] = {
        {std::to_string(r.success),
         {{"description", "success"},
          {"content", {{r.response_type, {{"schema", json::object()}}}}}}},
        {"default",
         {{"description", "error"},
          {"content", {{emr ? kEmrContentType : "application/json", {{"schema", error_schema}}}}}}},
    };
    if (r.public_route) op["security"] = json::array();
    paths[r.path][lower(r.method)] = std::move(op);
  }
  json error = {
      {"type", "object"},
      {"properties",
       {{"error",
         {{"type", "object"},
          {"properties", {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}};
  json livy_error = {{"type", "object"}, {"properties", {{"msg", {{"type", "string"}}}}}};
  json emr_error = {
      {"type", "object"},
      {"properties", {{"__type", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}};
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Eddy control plane"},
        {"version", "0.1.0"},
        {"description",
         "The native resource API (/v1), Livy 0.8's /sessions and /batches, the EMR JSON "
         "protocol subset (POST / with X-Amz-Target) and the worker protocol. See docs/api.md."}}},
      {"paths", std::move(paths)},
      {"components",
       {{"securitySchemes", {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}}}}},
        {"schemas", {{"Error", error}, {"LivyError", livy_error}, {"EmrError", emr_error}}}}},
      {"security", json::array({{{"bearerAuth", json::array()}}})},
  };
}

namespace {

// Deeper documents are refused before anything recursive (dump, the store) touches them.
constexpr int kMaxJsonDepth = 64;

bool nesting_within(const std::string& text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

}  // namespace

Result<json> parse_json_body(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return invalid_argument("invalid JSON: the request body is empty");
  }
  if (!nesting_within(body, kMaxJsonDepth)) {
    return invalid_argument("invalid JSON: nested more than " + std::to_string(kMaxJsonDepth) +
                            " levels");
  }
  try {
    return json::parse(body);
  } catch (const json::parse_error& e) {
    // what() = "[json.exception.parse_error.101] parse error at line 1, column 9: ..."
    std::string what = e.what();
    if (size_t close = what.find("] "); what.rfind("[json.", 0) == 0 && close != std::string::npos)
      what = what.substr(close + 2);
    return invalid_argument("invalid JSON: " + what);
  }
}

Result<int64_t> query_int(const httplib::Request& req, const std::string& key, int64_t dflt) {
  if (!req.has_param(key.c_str())) return dflt;
  const std::string v = req.get_param_value(key.c_str());
  try {
    size_t used = 0;
    long long n = std::stoll(v, &used);
    if (used == v.size()) return static_cast<int64_t>(n);
  } catch (const std::exception&) {
  }
  return invalid_argument(key + ": expected an integer, got '" + v + "'");
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  return host.rfind("127.", 0) == 0;
}


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

// What the handler that is running on this thread serves, for the logger (httplib runs pre-
// routing, the handler and the logger of one request on one thread).
struct RequestContext {
  const Route* route = nullptr;
  std::chrono::steady_clock::time_point start;
  bool started = false;
  bool sigv4 = false;  // authenticated by a SigV4 signature, still to verify with the body
};
thread_local RequestContext t_request;

aws::SigV4Request sigv4_request(const httplib::Request& req) {
  aws::SigV4Request r;
  r.method = req.method;
  r.path = req.path;
  for (const auto& [k, v] : req.params) r.query.emplace_back(k, v);
  for (const auto& [k, v] : req.headers) r.headers.emplace_back(k, v);
  r.body = req.body;
  return r;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// metrics

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

  std::string text() const {
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

 private:
  static constexpr std::array<double, 13> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                      0.25,  0.5,    1,     2.5,  10,    30};
  struct Series {
    std::array<uint64_t, kBuckets.size() + 1> buckets{};
    double sum = 0;
    uint64_t count = 0;
  };
  static std::string escape(const std::string& v) {
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

  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;  // GUARDED_BY(mu_)
  std::map<std::pair<std::string, std::string>, Series> latency_;           // GUARDED_BY(mu_)
};

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

Status ApiServer::start(controllers::ControlPlane* control_plane) {
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
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_payload_max_length(options_.max_body_bytes);
  server_->set_read_timeout(options_.read_timeout_seconds, 0);
  server_->set_write_timeout(options_.write_timeout_seconds, 0);
  server_->set_keep_alive_max_count(1000);
  server_->set_keep_alive_timeout(5);
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
    t_request = RequestContext{};
    t_request.start = std::chrono::steady_clock::now();
    t_request.started = true;
    if (options_.token.empty() || req.path == "/healthz")
      return httplib::Server::HandlerResponse::Unhandled;
    const std::string auth = req.get_header_value("Authorization");
    if (auth.size() > 7 && strncasecmp(auth.c_str(), "Bearer ", 7) == 0 &&
        constant_time_equal(auth.substr(7), options_.token)) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    // A signature covers the body, which httplib reads after this handler: the route's
    // wrapper (register_routes) verifies it.
    if (aws::is_sigv4_authorization(auth)) {
      t_request.sigv4 = true;
      return httplib::Server::HandlerResponse::Unhandled;
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
    if (t_request.started) {
      seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t_request.start).count();
    }
    const std::string route = t_request.route ? t_request.route->path : "unmatched";
    metrics_->record(req.method, route, res.status, seconds);
    EDDY_LOG(LogLevel::kDebug, "http " << req.remote_addr << " " << req.method << " " << req.path
                                       << " " << res.status << " "
                                       << static_cast<int64_t>(seconds * 1e6) << "us");
    t_request = RequestContext{};
  });
}

void ApiServer::register_routes() {
  for (const Route& r : routes_) {
    const Route* route = &r;  // routes_ is not modified after start()
    httplib::Server::Handler handler = [this, route](const httplib::Request& req,
                                                     httplib::Response& res) {
      t_request.route = route;
      if (t_request.sigv4) {
        Status s = route->tag != "emr"
                       ? permission_denied("AWS SigV4 signatures are accepted on the EMR API "
                                           "only; send 'Authorization: Bearer TOKEN'")
                       : aws::verify_sigv4(sigv4_request(req), req.get_header_value("Authorization"),
                                      options_.token, SystemClock::instance()->now());
        if (!s.is_ok()) {
          res.set_header("Connection", "close");
          return set_family_error(family_of(req), res, 401, "Unauthenticated",
                                  "InvalidSignatureException", s.message());
        }
      }
      route->handler(req, res);
    };
    const std::string pattern = route_regex(r.path);
    if (r.method == "GET") {
      server_->Get(pattern, handler);
    } else if (r.method == "POST") {
      server_->Post(pattern, handler);
    } else if (r.method == "PUT") {
      server_->Put(pattern, handler);
    } else if (r.method == "DELETE") {
      server_->Delete(pattern, handler);
    } else if (r.method == "PATCH") {
      server_->Patch(pattern, handler);
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
