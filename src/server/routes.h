// The route table of `eddy serve`: every route is one Route entry, and the same entries register
// the handlers with httplib (ApiServer) and produce /openapi.json (build_openapi), so the document
// cannot drift from what is served. The native, Livy and EMR adapters each add their routes.
// Thread-safety: Route is a value; the functions are pure.
#pragma once

#include <httplib.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace eddy::server {

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

}  // namespace eddy::server
