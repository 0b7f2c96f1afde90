// ApiClient: the CLI's client of `eddy serve`'s native REST API (docs/api.md, "Native API").
// `eddy apply|get|describe|logs|delete` talk to the server only through it.
//
// Where the server is and who we are: ClientOptions holds the --server/--token/--token-file
// flags; resolve_client_config() fills in the environment (EDDY_SERVER, EDDY_TOKEN) and the
// default (http://127.0.0.1:8998). Flags beat the environment.
//
// Failures are Status values a user can act on, never exceptions:
//   - the server cannot be reached  → kUnavailable "cannot reach eddy server at URL: ...
//     (is `eddy serve` running?)"
//   - an HTTP error → the code the server named in {"error":{"code","message"}} with its
//     message, or, when the body says nothing, the code for the HTTP status (400 invalid
//     argument, 401/403 permission denied, 404 not found, 409 already exists on create and
//     failed precondition otherwise, 413 invalid argument, 503 unavailable, others internal).
//
// Thread-safety: an ApiClient is used by one thread at a time (it owns an httplib::Client).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

namespace httplib {
class Client;
}

namespace eddy::cli {

inline constexpr const char* kDefaultServer = "http://127.0.0.1:8998";

// The connection flags every server subcommand takes.
struct ClientOptions {
  std::string server;      // --server URL
  std::string token;       // --token TOKEN
  std::string token_file;  // --token-file FILE
};

// Adds --server, --token and --token-file to `cmd`, stored in `opts` (which must outlive it).
void add_client_options(CLI::App& cmd, ClientOptions& opts);

struct ClientConfig {
  std::string base_url;  // "http://127.0.0.1:8998" (no trailing '/'; may carry a path prefix)
  std::string token;     // empty: no Authorization header
};

// Flags, then EDDY_SERVER / EDDY_TOKEN, then the default. Errors: an unreadable --token-file
// (kNotFound naming it), a URL that is not http(s)://HOST[:PORT][/PREFIX] (kInvalidArgument).
Result<ClientConfig> resolve_client_config(const ClientOptions& opts);

class ApiClient;
// resolve_client_config() and a client for it.
Result<std::unique_ptr<ApiClient>> connect(const ClientOptions& opts);

// The log page of GET /v1/{plural}/{name}/log.
struct LogPage {
  int64_t from = 0;   // index of lines[0]
  int64_t total = 0;  // lines the resource has logged so far
  std::vector<std::string> lines;
};

class ApiClient {
 public:
  explicit ApiClient(ClientConfig config);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  const std::string& base_url() const { return config_.base_url; }

  // POST /v1/{plural}: the created resource.
  Result<nlohmann::json> create(const std::string& plural, const nlohmann::json& resource);
  // GET /v1/{plural}/{name}.
  Result<nlohmann::json> get(const std::string& plural, const std::string& name);
  // GET /v1/{plural}[?labelSelector=...]: the list's `items` array.
  Result<nlohmann::json> list(const std::string& plural, const std::string& selector = "");
  // PUT /v1/{plural}/{name}: the resource as replaced.
  Result<nlohmann::json> put(const std::string& plural, const std::string& name,
                             const nlohmann::json& resource);
  // DELETE /v1/{plural}/{name}: the resource as deletion began.
  Result<nlohmann::json> remove(const std::string& plural, const std::string& name);
  // GET /v1/{plural}/{name}/log?from=&size=.
  Result<LogPage> log(const std::string& plural, const std::string& name, int64_t from,
                      int64_t size);

  // GET /v1/{plural}[/{name}]?watch=1 as server-sent events: calls `on_event` with each
  // `data:` payload parsed as JSON ({"type","object"}) in arrival order. Returns OK when the
  // server ends the stream or `on_event` returns false; an error when the stream cannot be
  // opened, the server answers with an error, or a payload is not JSON.
  using WatchHandler = std::function<bool(const nlohmann::json& event)>;
  Status watch(const std::string& plural, const std::string& name, const std::string& selector,
               const WatchHandler& on_event);

 private:
  Result<nlohmann::json> call(const std::string& method, const std::string& path,
                              const nlohmann::json* body);
  Status transport_error(int error) const;

  ClientConfig config_;
  std::string host_url_;     // scheme://host:port
  std::string path_prefix_;  // "" or "/prefix"
  std::unique_ptr<httplib::Client> http_;
};

// Maps an HTTP error answer to a Status: the server's {"error":{"code","message"}} when the body
// has it, else the status code's meaning (see the header comment). `method` picks 409's meaning.
Status status_from_http(int http_status, const std::string& body, const std::string& method);

// Incremental parser of a text/event-stream: feed() bytes as they arrive; each complete event's
// data (the `data:` lines of one event joined by '\n') goes to `on_data`. Comment lines
// (":...") and other fields (event:, id:, retry:) are ignored.
class SseParser {
 public:
  explicit SseParser(std::function<bool(const std::string& data)> on_data)
      : on_data_(std::move(on_data)) {}
  // False once `on_data` returned false (the caller should stop reading).
  bool feed(const char* bytes, size_t n);

 private:
  bool line(std::string_view l);

  std::function<bool(const std::string&)> on_data_;
  std::string pending_;  // bytes after the last '\n'
  std::string data_;     // data of the event being read
  bool has_data_ = false;
};

}  // namespace eddy::cli
