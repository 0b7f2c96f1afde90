// Request helpers shared by the API adapters (request.h).
#include "server/request.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace eddy::server {

using nlohmann::json;

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
  } catch (const json::exception& e) {
    // out_of_range.406: a number such as 1e400 that no double holds.
    std::string what = e.what();
    if (size_t close = what.find("] "); close != std::string::npos) what = what.substr(close + 2);
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

std::string media_type(const httplib::Request& req) {
  std::string ct = req.get_header_value("Content-Type");
  if (size_t semi = ct.find(';'); semi != std::string::npos) ct.resize(semi);
  while (!ct.empty() && std::isspace(static_cast<unsigned char>(ct.back()))) ct.pop_back();
  std::transform(ct.begin(), ct.end(), ct.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ct;
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  return host.rfind("127.", 0) == 0;
}


RequestContext& current_request() {
  thread_local RequestContext context;
  return context;
}

aws::SigV4Request to_sigv4_request(const httplib::Request& req) {
  aws::SigV4Request r;
  r.method = req.method;
  r.path = req.path;
  for (const auto& [k, v] : req.params) r.query.emplace_back(k, v);
  for (const auto& [k, v] : req.headers) r.headers.emplace_back(k, v);
  r.body = req.body;
  return r;
}

}  // namespace eddy::server
