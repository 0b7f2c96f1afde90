// Request helpers shared by the API adapters (native, Livy, EMR) and the server: JSON bodies
// with their errors, integer query parameters, the loopback check behind the token rule, and
// the per-thread context of the request being served.
// Thread-safety: pure functions; current_request() is the calling thread's own.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "aws/sigv4_verify.h"
#include "common/status.h"
#include "server/routes.h"

namespace eddy::server {

// Parses a request body as JSON; errors name the position: "invalid JSON at line 1, column 9:
// syntax error while parsing object - ...". An empty body is an error too.
Result<nlohmann::json> parse_json_body(const std::string& body);
// An integer query parameter: `dflt` when absent; an error naming the parameter when not an
// integer.
Result<int64_t> query_int(const httplib::Request& req, const std::string& key, int64_t dflt);
// The request's media type: Content-Type without parameters, lower case ("" when absent).
std::string media_type(const httplib::Request& req);
// True for "127.0.0.1" (any 127/8), "::1" and "localhost".
bool is_loopback_host(const std::string& host);

// What the handler that is running on this thread serves, for the logger (httplib runs pre-
// routing, the handler and the logger of one request on one thread).
struct RequestContext {
  const Route* route = nullptr;
  std::chrono::steady_clock::time_point start;
  bool started = false;
  bool sigv4 = false;  // authenticated by a SigV4 signature, still to verify with the body
};
// The calling thread's RequestContext.
RequestContext& current_request();

// The parts of a request a SigV4 signature covers.
aws::SigV4Request to_sigv4_request(const httplib::Request& req);

}  // namespace eddy::server
