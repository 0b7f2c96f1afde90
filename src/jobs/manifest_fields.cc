#include "jobs/manifest_fields.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "common/time_format.h"
#include "objstore/object_store.h"

namespace eddy::jobs {

Status substitute_parameters(YAML::Node node, const std::map<std::string, std::string>& params,
                             const std::string& path) {
  if (node.IsScalar()) {
    std::string s = node.Scalar();
    std::string out;
    size_t i = 0;
    bool changed = false;
    while (i < s.size()) {
      size_t open = s.find("${", i);
      if (open == std::string::npos) break;
      size_t close = s.find('}', open);
      if (close == std::string::npos)
        return invalid_argument(path + ": unterminated '${' in '" + s + "'");
      std::string name = s.substr(open + 2, close - open - 2);
      auto it = params.find(name);
      if (it == params.end())
        return invalid_argument(path + ": '${" + name + "}' is not declared in spec.parameters");
      out += s.substr(i, open - i) + it->second;
      i = close + 1;
      changed = true;
    }
    if (changed) node = out + s.substr(i);
    return Status::ok();
  }
  if (node.IsMap()) {
    for (auto kv : node)
      EDDY_RETURN_IF_ERROR(
          substitute_parameters(kv.second, params, path + "." + kv.first.as<std::string>()));
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i)
      EDDY_RETURN_IF_ERROR(
          substitute_parameters(node[i], params, path + "[" + std::to_string(i) + "]"));
  }
  return Status::ok();
}

Result<YAML::Node> resolve_parameters(YAML::Node s,
                                      const std::map<std::string, std::string>& sets) {
  std::map<std::string, std::string> params;
  if (s["parameters"].IsDefined()) {
    if (!s["parameters"].IsMap()) return invalid_argument("spec.parameters: expected a mapping");
    for (auto kv : s["parameters"]) {
      if (!kv.second.IsScalar() && !kv.second.IsNull())
        return invalid_argument("spec.parameters." + kv.first.as<std::string>() +
                                ": expected a scalar");
      params[kv.first.as<std::string>()] = kv.second.IsNull() ? "" : kv.second.Scalar();
    }
  }
  for (const auto& [k, v] : sets) {
    if (!params.count(k)) {
      std::string list;
      for (auto& [n, _] : params) list += (list.empty() ? "" : ", ") + n;
      return invalid_argument("--set " + k + ": unknown parameter (this job has: " + list + ")");
    }
    params[k] = v;
  }
  YAML::Node body = YAML::Clone(s);
  body.remove("parameters");
  EDDY_RETURN_IF_ERROR(substitute_parameters(body, params, "spec"));
  return body;
}

namespace {

// An object-store manifest, read through the storage layer with a size cap: a manifest is a
// page of YAML, and a wrong URI pointing at a data file must not be pulled into memory.
Result<std::string> read_manifest_object(const std::string& uri) {
  auto fail = [&](const Status& s) { return s.with_context("job manifest '" + uri + "'"); };
  auto store = objstore::store_for(uri);
  if (!store.is_ok()) return fail(store.status());
  auto info = (*store)->head(uri);
  if (!info.is_ok()) return fail(info.status());
  auto too_big = [&](uint64_t size) {
    return invalid_argument("job manifest '" + uri + "': " + std::to_string(size) +
                            " bytes, more than a manifest may hold (" +
                            std::to_string(kMaxManifestBytes) + ")");
  };
  if (info->size > kMaxManifestBytes) return too_big(info->size);
  auto reader = (*store)->open(uri, 0, kMaxManifestBytes + 1);
  if (!reader.is_ok()) return fail(reader.status());
  std::string text;
  char buf[64 * 1024];
  for (;;) {
    auto n = (*reader)->read(buf, sizeof buf);
    if (!n.is_ok()) return fail(n.status());
    if (*n == 0) break;
    text.append(buf, *n);
    if (text.size() > kMaxManifestBytes) return too_big(text.size());
  }
  return text;
}

}  // namespace

Result<std::string> read_manifest_file(const std::string& path) {
  if (objstore::is_object_store_uri(path)) return read_manifest_object(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("job manifest '" + path + "' does not exist or cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::string> manifest_kind(const std::string& yaml_text, const std::string& origin) {
  try {
    yaml_preflight(yaml_text);
    YAML::Node root = YAML::Load(yaml_text);
    if (!root.IsMap()) return invalid_argument(origin + ": expected a mapping at the top");
    if (!root["kind"].IsDefined() || !root["kind"].IsScalar())
      return invalid_argument(origin + ": kind: missing (StreamJob or BatchJob)");
    return root["kind"].Scalar();
  } catch (const YAML::Exception& e) {
    return yaml_syntax_error(origin, e);
  }
}

Status yaml_syntax_error(const std::string& origin, const YAML::Exception& e) {
  std::string where = origin;
  if (!e.mark.is_null())
    where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
  return invalid_argument(where + ": not valid YAML: " + e.msg);
}

Status Fields::check_map() const {
  if (!node_.IsMap()) return invalid_argument(path_ + ": expected a mapping");
  return Status::ok();
}

bool Fields::has(const std::string& key) {
  known_.insert(key);
  return node_[key].IsDefined() && !node_[key].IsNull();
}

YAML::Node Fields::node(const std::string& key) {
  known_.insert(key);
  return node_[key];
}

Result<std::string> Fields::str(const std::string& key, const std::string& def) {
  if (!has(key)) return def;
  if (!node_[key].IsScalar()) return invalid_argument(path(key) + ": expected a string");
  return node_[key].Scalar();
}

Result<bool> parse_boolean(const std::string& value, const std::string& what) {
  if (value == "true" || value == "yes" || value == "on" || value == "1") return true;
  if (value == "false" || value == "no" || value == "off" || value == "0") return false;
  return invalid_argument(what + ": expected true or false, got '" + value + "'");
}

Result<bool> Fields::boolean(const std::string& key, bool def) {
  EDDY_ASSIGN_OR_RETURN(std::string s, str(key, def ? "true" : "false"));
  return parse_boolean(s, path(key));
}

Result<int64_t> Fields::integer(const std::string& key, int64_t def, int64_t lo, int64_t hi) {
  EDDY_ASSIGN_OR_RETURN(std::string s, str(key, std::to_string(def)));
  int64_t v;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size())
    return invalid_argument(path(key) + ": expected an integer, got '" + s + "'");
  if (v < lo || v > hi)
    return invalid_argument(path(key) + ": must be between " + std::to_string(lo) + " and " +
                            std::to_string(hi) + ", got " + s);
  return v;
}

Result<Micros> Fields::duration(const std::string& key, Micros def) {
  EDDY_ASSIGN_OR_RETURN(std::string s, str(key, format_duration(def)));
  auto d = parse_duration(s);
  if (!d.is_ok()) return d.status().with_context(path(key));
  return d;
}

Result<uint64_t> Fields::bytes(const std::string& key, uint64_t def) {
  EDDY_ASSIGN_OR_RETURN(std::string s, str(key, std::to_string(def)));
  auto b = parse_byte_size(s);
  if (!b.is_ok()) return b.status().with_context(path(key));
  return b;
}

Status Fields::done() const {
  if (!node_.IsMap()) return Status::ok();
  for (auto kv : node_) {
    std::string k = kv.first.as<std::string>();
    if (!known_.count(k)) {
      std::string list;
      for (auto& n : known_) list += (list.empty() ? "" : ", ") + n;
      return invalid_argument(path_ + "." + k + ": unknown field (expected one of: " + list + ")");
    }
  }
  return Status::ok();
}

}  // namespace eddy::jobs
