#include "cli/api_client.h"

#include <httplib.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "cli/token_file.h"
#include "common/percent_encoding.h"

namespace eddy::cli {
namespace {

using nlohmann::json;

constexpr int kConnectTimeoutSeconds = 5;
constexpr int kReadTimeoutSeconds = 60;
// A watch can be silent for long (nothing changes); the server ends it, or the user does.
constexpr int kWatchReadTimeoutSeconds = 24 * 3600;

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

// The first `max` bytes of a body, for messages.
std::string excerpt(const std::string& body, size_t max = 300) {
  std::string t = trim(body);
  return t.size() <= max ? t : t.substr(0, max) + "...";
}

// "InvalidArgument", "INVALID_ARGUMENT", "invalid argument" → kInvalidArgument.
std::optional<StatusCode> code_from_name(const std::string& name) {
  std::string k;
  for (char c : name)
    if (std::isalnum(static_cast<unsigned char>(c)))
      k.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  static const std::pair<const char*, StatusCode> kCodes[] = {
      {"invalidargument", StatusCode::kInvalidArgument},
      {"notfound", StatusCode::kNotFound},
      {"alreadyexists", StatusCode::kAlreadyExists},
      {"failedprecondition", StatusCode::kFailedPrecondition},
      {"dataloss", StatusCode::kDataLoss},
      {"ioerror", StatusCode::kIoError},
      {"unavailable", StatusCode::kUnavailable},
      {"deadlineexceeded", StatusCode::kDeadlineExceeded},
      {"permissiondenied", StatusCode::kPermissionDenied},
      {"unauthenticated", StatusCode::kPermissionDenied},
      {"unimplemented", StatusCode::kUnimplemented},
      {"internal", StatusCode::kInternal},
  };
  for (const auto& [n, c] : kCodes)
    if (k == n) return c;
  return std::nullopt;
}

StatusCode code_from_http(int http_status, const std::string& method) {
  switch (http_status) {
    case 400:
    case 413:
    case 422:
      return StatusCode::kInvalidArgument;
    case 401:
    case 403:
      return StatusCode::kPermissionDenied;
    case 404:
      return StatusCode::kNotFound;
    case 409:
      return method == "POST" ? StatusCode::kAlreadyExists : StatusCode::kFailedPrecondition;
    case 501:
      return StatusCode::kUnimplemented;
    case 503:
      return StatusCode::kUnavailable;
    case 504:
      return StatusCode::kDeadlineExceeded;
    default:
      return StatusCode::kInternal;
  }
}

Result<json> parse_body(const std::string& body, const std::string& what) {
  if (trim(body).empty()) return json::object();
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return internal_error(what + ": the server's answer is not JSON: " + excerpt(body));
  return j;
}

std::string collection_path(const std::string& plural) { return "/v1/" + percent_encode(plural); }

}  // namespace

void add_client_options(CLI::App& cmd, ClientOptions& opts) {
  cmd.add_option("--server", opts.server,
                 std::string("eddy serve's URL (env EDDY_SERVER; default ") + kDefaultServer + ")");
  cmd.add_option("--token", opts.token, "Bearer token (env EDDY_TOKEN)");
  cmd.add_option("--token-file", opts.token_file, "File holding the bearer token");
}

Result<ClientConfig> resolve_client_config(const ClientOptions& opts) {
  ClientConfig c;
  c.base_url = opts.server;
  if (c.base_url.empty()) {
    const char* env = std::getenv("EDDY_SERVER");
    c.base_url = env != nullptr && *env != '\0' ? env : kDefaultServer;
  }
  c.base_url = trim(c.base_url);
  if (c.base_url.find("://") == std::string::npos) c.base_url = "http://" + c.base_url;
  while (!c.base_url.empty() && c.base_url.back() == '/') c.base_url.pop_back();
  const size_t sep = c.base_url.find("://");
  const std::string scheme = c.base_url.substr(0, sep);
  if ((scheme != "http" && scheme != "https") || sep + 3 >= c.base_url.size() ||
      c.base_url[sep + 3] == '/' || c.base_url[sep + 3] == ':')
    return invalid_argument("--server: expected http(s)://HOST[:PORT], got '" + c.base_url + "'");

  if (!opts.token.empty()) {
    c.token = opts.token;
  } else if (!opts.token_file.empty()) {
    EDDY_ASSIGN_OR_RETURN(c.token, read_token_file(opts.token_file));
  } else if (const char* env = std::getenv("EDDY_TOKEN"); env != nullptr) {
    c.token = trim(env);
  }
  return c;
}

Result<std::unique_ptr<ApiClient>> connect(const ClientOptions& opts) {
  EDDY_ASSIGN_OR_RETURN(ClientConfig config, resolve_client_config(opts));
  return std::make_unique<ApiClient>(std::move(config));
}

Status status_from_http(int http_status, const std::string& body, const std::string& method) {
  StatusCode code = code_from_http(http_status, method);
  std::string message;
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded() && j.is_object() && j.contains("error")) {
    const json& e = j["error"];
    if (e.is_object()) {
      if (e.contains("code") && e["code"].is_string()) {
        if (auto c = code_from_name(e["code"].get<std::string>())) code = *c;
      }
      if (e.contains("message") && e["message"].is_string()) message = e["message"];
    } else if (e.is_string()) {
      message = e.get<std::string>();
    }
  }
  if (message.empty()) message = excerpt(body);
  if (message.empty()) message = "the server answered HTTP " + std::to_string(http_status);
  if (http_status == 401) message += " (pass --token or --token-file, or set EDDY_TOKEN)";
  return Status(code, message);
}

bool SseParser::feed(const char* bytes, size_t n) {
  pending_.append(bytes, n);
  size_t start = 0;
  for (;;) {
    const size_t nl = pending_.find('\n', start);
    if (nl == std::string::npos) break;
    std::string_view l(pending_.data() + start, nl - start);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    start = nl + 1;
    if (!line(l)) {
      pending_.erase(0, start);
      return false;
    }
  }
  pending_.erase(0, start);
  return true;
}

bool SseParser::line(std::string_view l) {
  if (l.empty()) {  // the end of one event
    if (!has_data_) return true;
    std::string data;
    data.swap(data_);
    has_data_ = false;
    return on_data_(data);
  }
  if (l.front() == ':') return true;  // a comment (keep-alive)
  const size_t colon = l.find(':');
  std::string_view field = l.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? "" : l.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  }
  return true;
}

ApiClient::ApiClient(ClientConfig config) : config_(std::move(config)) {
  const size_t host_start = config_.base_url.find("://") + 3;
  const size_t slash = config_.base_url.find('/', host_start);
  host_url_ = config_.base_url.substr(0, slash);
  if (slash != std::string::npos) path_prefix_ = config_.base_url.substr(slash);
  http_ = std::make_unique<httplib::Client>(host_url_);
  http_->set_connection_timeout(kConnectTimeoutSeconds, 0);
  http_->set_read_timeout(kReadTimeoutSeconds, 0);
  http_->set_write_timeout(kReadTimeoutSeconds, 0);
  if (!config_.token.empty()) http_->set_bearer_token_auth(config_.token);
}

ApiClient::~ApiClient() = default;

Status ApiClient::transport_error(int error) const {
  const std::string where = "cannot reach eddy server at " + config_.base_url + ": ";
  switch (static_cast<httplib::Error>(error)) {
    case httplib::Error::Connection:
      return unavailable(where + "connection failed (is `eddy serve` running?)");
    case httplib::Error::ConnectionTimeout:
      return unavailable(where + "connection timed out (is `eddy serve` running?)");
    case httplib::Error::Read:
      return unavailable(where + "the connection closed before the answer was complete");
    case httplib::Error::Write:
      return unavailable(where + "the connection closed while the request was sent");
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLLoadingCerts:
    case httplib::Error::SSLServerVerification:
      return unavailable(where + "TLS failed (" +
                         httplib::to_string(static_cast<httplib::Error>(error)) + ")");
    default:
      return unavailable(where + httplib::to_string(static_cast<httplib::Error>(error)));
  }
}

Result<json> ApiClient::call(const std::string& method, const std::string& path, const json* body) {
  const std::string full = path_prefix_ + path;
  const httplib::Headers headers = {{"Accept", "application/json"}};
  const std::string payload = body != nullptr ? body->dump() : std::string();
  httplib::Result res = [&] {
    if (method == "POST") return http_->Post(full, headers, payload, "application/json");
    if (method == "PUT") return http_->Put(full, headers, payload, "application/json");
    if (method == "DELETE") return http_->Delete(full, headers);
    return http_->Get(full, headers);
  }();
  if (!res) return transport_error(static_cast<int>(res.error()));
  if (res->status < 200 || res->status >= 300)
    return status_from_http(res->status, res->body, method);
  return parse_body(res->body, method + " " + path);
}

Result<json> ApiClient::create(const std::string& plural, const json& resource) {
  return call("POST", collection_path(plural), &resource);
}

Result<json> ApiClient::get(const std::string& plural, const std::string& name) {
  return call("GET", collection_path(plural) + "/" + percent_encode(name), nullptr);
}

Result<json> ApiClient::list(const std::string& plural, const std::string& selector) {
  std::string base = collection_path(plural) + "?limit=500";
  if (!selector.empty()) base += "&labelSelector=" + percent_encode(selector);
  json all = json::array();
  std::string path = base;
  for (;;) {  // the server answers in pages (metadata.continue)
    EDDY_ASSIGN_OR_RETURN(json j, call("GET", path, nullptr));
    if (!j.is_object() || !j.contains("items") || !j["items"].is_array())
      return internal_error("GET " + path + ": expected a list with \"items\", got " +
                            excerpt(j.dump()));
    for (auto& item : j["items"]) all.push_back(std::move(item));
    const json* meta = j.contains("metadata") ? &j["metadata"] : nullptr;
    if (meta == nullptr || !meta->contains("continue") || !(*meta)["continue"].is_string()) break;
    path = base + "&continue=" + percent_encode((*meta)["continue"].get<std::string>());
  }
  return all;
}

Result<json> ApiClient::put(const std::string& plural, const std::string& name,
                            const json& resource) {
  return call("PUT", collection_path(plural) + "/" + percent_encode(name), &resource);
}

Result<json> ApiClient::remove(const std::string& plural, const std::string& name) {
  return call("DELETE", collection_path(plural) + "/" + percent_encode(name), nullptr);
}

Result<LogPage> ApiClient::log(const std::string& plural, const std::string& name, int64_t from,
                               int64_t size) {
  const std::string path = collection_path(plural) + "/" + percent_encode(name) +
                           "/log?from=" + std::to_string(from) + "&size=" + std::to_string(size);
  EDDY_ASSIGN_OR_RETURN(json j, call("GET", path, nullptr));
  LogPage page;
  page.from = from;
  if (j.contains("from") && j["from"].is_number_integer()) page.from = j["from"].get<int64_t>();
  if (j.contains("total") && j["total"].is_number_integer()) page.total = j["total"].get<int64_t>();
  if (j.contains("lines") && j["lines"].is_array()) {
    for (const json& l : j["lines"])
      page.lines.push_back(l.is_string() ? l.get<std::string>() : l.dump());
  } else {
    return internal_error("GET " + path + ": expected {\"from\",\"total\",\"lines\"}, got " +
                          excerpt(j.dump()));
  }
  page.total = std::max<int64_t>(page.total, page.from + static_cast<int64_t>(page.lines.size()));
  return page;
}

Status ApiClient::watch(const std::string& plural, const std::string& name,
                        const std::string& selector, const WatchHandler& on_event) {
  std::string path = path_prefix_ + collection_path(plural);
  if (!name.empty()) path += "/" + percent_encode(name);
  path += "?watch=1";
  if (!selector.empty()) path += "&labelSelector=" + percent_encode(selector);

  int http_status = 0;
  std::string error_body;
  Status event_error;
  bool stopped = false;
  SseParser parser([&](const std::string& data) {
    json ev = json::parse(data, nullptr, /*allow_exceptions=*/false);
    if (ev.is_discarded()) {
      event_error = internal_error("watch " + plural + ": an event is not JSON: " + excerpt(data));
      return false;
    }
    if (!on_event(ev)) {
      stopped = true;
      return false;
    }
    return true;
  });
  const httplib::Headers headers = {{"Accept", "text/event-stream"}};
  http_->set_read_timeout(kWatchReadTimeoutSeconds, 0);
  httplib::Result res = http_->Get(
      path, headers,
      [&](const httplib::Response& r) {
        http_status = r.status;
        return true;
      },
      [&](const char* data, size_t n) {
        if (http_status >= 200 && http_status < 300) return parser.feed(data, n);
        error_body.append(data, n);
        return true;
      });
  http_->set_read_timeout(kReadTimeoutSeconds, 0);
  if (!event_error.is_ok()) return event_error;
  if (stopped) return Status::ok();
  if (http_status == 0) return transport_error(static_cast<int>(res.error()));
  if (http_status < 200 || http_status >= 300)
    return status_from_http(http_status, error_body, "GET");
  // A stream that was open and then broke ends the watch like a stream the server closed.
  return Status::ok();
}

}  // namespace eddy::cli
