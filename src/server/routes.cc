// The route table's helpers (routes.h): path templates as httplib patterns, and /openapi.json.
#include "server/routes.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "common/status.h"
#include "server/http_status.h"

namespace eddy::server {

using nlohmann::json;

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

}  // namespace eddy::server
