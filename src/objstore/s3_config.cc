#include "objstore/s3_config.h"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <map>

namespace eddy::objstore {
namespace {

std::string trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

// section -> key -> value of an AWS ini file. Sub-keys ("s3 =\n  addressing_style = path")
// are stored as "s3.addressing_style". A missing file is an empty map.
using IniFile = std::map<std::string, std::map<std::string, std::string>>;

IniFile read_ini(const std::string& path) {
  IniFile ini;
  std::ifstream in(path);
  std::string line, section, parent;
  while (std::getline(in, line)) {
    const bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = trim(t.substr(1, t.size() - 2));
      parent.clear();
      continue;
    }
    const size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(t.substr(0, eq));
    std::string value = trim(t.substr(eq + 1));
    if (indented && !parent.empty()) {
      ini[section][parent + "." + key] = value;
    } else {
      parent = value.empty() ? key : "";
      ini[section][key] = value;
    }
  }
  return ini;
}

}  // namespace

std::string S3Endpoint::authority() const {
  return port == 0 ? host : host + ":" + std::to_string(port);
}

Result<S3Endpoint> parse_endpoint_url(const std::string& url) {
  S3Endpoint ep;
  std::string_view rest = url;
  const size_t sep = rest.find("://");
  if (sep == std::string_view::npos) {
    return invalid_argument("endpoint URL '" + url + "': expected http://host[:port]");
  }
  ep.scheme = std::string(rest.substr(0, sep));
  if (ep.scheme != "http" && ep.scheme != "https") {
    return invalid_argument("endpoint URL '" + url + "': scheme must be http or https");
  }
  rest.remove_prefix(sep + 3);
  rest = rest.substr(0, rest.find('/'));
  std::string_view host = rest;
  if (!rest.empty() && rest[0] == '[') {  // [::1]:port
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return invalid_argument("endpoint URL '" + url + "'");
    host = rest.substr(0, close + 1);
    rest.remove_prefix(close + 1);
  } else {
    const size_t colon = rest.find(':');
    host = rest.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon);
  }
  if (!rest.empty() && rest[0] == ':') {
    rest.remove_prefix(1);
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), ep.port);
    if (ec != std::errc() || p != rest.data() + rest.size() || ep.port <= 0 || ep.port > 65535) {
      return invalid_argument("endpoint URL '" + url + "': bad port");
    }
  }
  if (host.empty()) return invalid_argument("endpoint URL '" + url + "': no host");
  ep.host = std::string(host);
  return ep;
}

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

Result<S3Config> load_s3_config(const GetEnv& env) {
  S3Config c;
  const std::string home = env("HOME").value_or("");
  const std::string profile = env("AWS_PROFILE").value_or("default");
  const IniFile creds =
      read_ini(env("AWS_SHARED_CREDENTIALS_FILE").value_or(home + "/.aws/credentials"));
  const IniFile config = read_ini(env("AWS_CONFIG_FILE").value_or(home + "/.aws/config"));
  auto from = [](const IniFile& ini, const std::string& section,
                 const std::string& key) -> std::optional<std::string> {
    auto s = ini.find(section);
    if (s == ini.end()) return std::nullopt;
    auto k = s->second.find(key);
    if (k == s->second.end() || k->second.empty()) return std::nullopt;
    return k->second;
  };
  const std::string config_section = profile == "default" ? "default" : "profile " + profile;
  auto cfg = [&](const std::string& key) { return from(config, config_section, key); };
  auto cred = [&](const std::string& key) {
    auto v = from(creds, profile, key);
    return v ? v : cfg(key);  // the config file may hold credentials too
  };

  std::optional<std::string> endpoint = env("AWS_ENDPOINT_URL_S3");
  if (!endpoint) endpoint = env("AWS_ENDPOINT_URL");
  if (!endpoint) endpoint = cfg("s3.endpoint_url");
  if (!endpoint) endpoint = cfg("endpoint_url");
  if (endpoint) {
    EDDY_ASSIGN_OR_RETURN(S3Endpoint ep, parse_endpoint_url(*endpoint));
    c.endpoint = ep;
    c.path_style = cfg("s3.addressing_style").value_or("path") != "virtual";
  } else {
    c.path_style = cfg("s3.addressing_style").value_or("virtual") == "path";
  }
  if (auto r = env("AWS_REGION")) {
    c.region = *r;
  } else if (auto d = env("AWS_DEFAULT_REGION")) {
    c.region = *d;
  } else if (auto f = cfg("region")) {
    c.region = *f;
  }
  auto key = env("AWS_ACCESS_KEY_ID");
  auto secret = env("AWS_SECRET_ACCESS_KEY");
  if (key && secret) {
    c.access_key_id = *key;
    c.secret_access_key = *secret;
    c.session_token = env("AWS_SESSION_TOKEN").value_or("");
  } else {
    c.access_key_id = cred("aws_access_key_id").value_or("");
    c.secret_access_key = cred("aws_secret_access_key").value_or("");
    c.session_token = cred("aws_session_token").value_or("");
  }
  std::optional<std::string> attempts = env("AWS_MAX_ATTEMPTS");
  if (!attempts) attempts = cfg("max_attempts");
  if (attempts) {
    int n = 0;
    auto [p, ec] = std::from_chars(attempts->data(), attempts->data() + attempts->size(), n);
    if (ec != std::errc() || p != attempts->data() + attempts->size() || n < 1) {
      return invalid_argument(
          "AWS_MAX_ATTEMPTS / max_attempts: expected a positive integer, got '" + *attempts + "'");
    }
    c.retry.max_attempts = n;
  }
  return c;
}

}  // namespace eddy::objstore
