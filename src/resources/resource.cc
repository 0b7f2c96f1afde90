// The wire form of a resource, names and label selectors (see resource.h).
//
// Field rules, as the API and the store rely on them:
//   - to_json omits store-assigned metadata that is not assigned yet (uid "", id < 0,
//     version 0, created_ms 0), so a manifest echoed back before creation stays clean;
//     labels, spec and status are always present (possibly empty objects).
//   - resourceVersion is a decimal string (as in Kubernetes: clients must treat it as opaque).
//   - creationTimestamp is RFC 3339 UTC with milliseconds, always three digits.
#include "resources/resource.h"

#include <cctype>
#include <string_view>

#include "common/time_format.h"

namespace eddy::resources {
namespace {

using nlohmann::json;

std::string format_created(int64_t ms) {
  // format_rfc3339 drops a zero fraction; Kubernetes clients expect a fixed shape.
  int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  int64_t frac = ms - secs * 1000;
  std::string whole = format_rfc3339(secs * 1000000);  // "...:ssZ"
  char buf[8];
  std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(frac));
  whole.insert(whole.size() - 1, buf);
  return whole;
}

// Short JSON type names for messages: "expected a string, got number".
const char* type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    default: return "an unknown value";
  }
}

Status expected(const std::string& field, const char* what, const json& got) {
  return invalid_argument(field + ": expected " + what + ", got " + type_name(got));
}

bool is_alnum_lower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// Label keys as Kubernetes allows them, loosely: an optional DNS prefix and '/', then a name of
// letters, digits, '-', '_', '.' starting and ending alphanumeric. Values: the same name rule,
// or empty. Both exclude ',', '=', '!' and spaces, so every label is expressible in a selector.
bool valid_label_name(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  if (!is_alnum(s.front()) || !is_alnum(s.back())) return false;
  for (char c : s)
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

bool valid_label_key(std::string_view k) {
  size_t slash = k.find('/');
  if (slash == std::string_view::npos) return valid_label_name(k, 63);
  std::string_view prefix = k.substr(0, slash);
  if (prefix.empty() || prefix.size() > 253) return false;
  for (char c : prefix)
    if (!is_alnum_lower(c) && c != '-' && c != '.') return false;
  return valid_label_name(k.substr(slash + 1), 63);
}

bool valid_label_value(std::string_view v) { return v.empty() || valid_label_name(v, 63); }

constexpr const char* kLabelRule =
    "letters, digits, '-', '_' and '.', at most 63 characters, starting and ending with a letter "
    "or digit (keys may have a 'prefix/')";

Status parse_int64(const std::string& field, const json& v, int64_t* out) {
  if (v.is_number_integer()) {
    *out = v.get<int64_t>();
    return Status::ok();
  }
  if (v.is_string()) {  // resourceVersion is a string on the wire
    const std::string& s = v.get_ref<const std::string&>();
    try {
      size_t used = 0;
      long long n = std::stoll(s, &used);
      if (used == s.size()) {
        *out = n;
        return Status::ok();
      }
    } catch (const std::exception&) {
    }
    return invalid_argument(field + ": expected an integer, got '" + s + "'");
  }
  return expected(field, "an integer", v);
}

Status read_metadata(const json& m, bool trusted, Resource* r) {
  if (!m.is_object()) return expected("metadata", "an object", m);
  for (const auto& [key, v] : m.items()) {
    std::string field = "metadata." + key;
    if (key == "name") {
      if (!v.is_string()) return expected(field, "a string", v);
      r->name = v.get<std::string>();
      if (!r->name.empty()) EDDY_RETURN_IF_ERROR(validate_name(r->name, field));
    } else if (key == "labels") {
      if (v.is_null()) continue;
      if (!v.is_object()) return expected(field, "an object", v);
      for (const auto& [lk, lv] : v.items()) {
        std::string lfield = field + "." + lk;
        if (!valid_label_key(lk))
          return invalid_argument(field + ": '" + lk + "' is not a valid label key: " + kLabelRule);
        if (!lv.is_string()) return expected(lfield, "a string", lv);
        const std::string& s = lv.get_ref<const std::string&>();
        if (!valid_label_value(s))
          return invalid_argument(lfield + ": '" + s + "' is not a valid label value: " +
                                  kLabelRule);
        r->labels[lk] = s;
      }
    } else if (key == "annotations") {
      // Accepted so that manifests written for Kubernetes tooling load; not stored.
    } else if (key == "uid" || key == "id" || key == "resourceVersion" ||
               key == "creationTimestamp") {
      if (!trusted) continue;  // assigned by the store; a manifest cannot choose them
      if (key == "uid") {
        if (!v.is_string()) return expected(field, "a string", v);
        r->uid = v.get<std::string>();
      } else if (key == "id") {
        EDDY_RETURN_IF_ERROR(parse_int64(field, v, &r->id));
      } else if (key == "resourceVersion") {
        EDDY_RETURN_IF_ERROR(parse_int64(field, v, &r->version));
      } else {
        if (!v.is_string()) return expected(field, "a string", v);
        Micros t = 0;
        if (!parse_rfc3339(v.get_ref<const std::string&>(), &t))
          return invalid_argument(field + ": expected an RFC 3339 time, got '" +
                                  v.get<std::string>() + "'");
        r->created_ms = t >= 0 ? t / 1000 : -((-t + 999) / 1000);
      }
    } else {
      return invalid_argument(field + ": unknown field");
    }
  }
  return Status::ok();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

nlohmann::json to_json(const Resource& r) {
  json meta = json::object();
  meta["name"] = r.name;
  if (!r.uid.empty()) meta["uid"] = r.uid;
  if (r.id >= 0) meta["id"] = r.id;
  json labels = json::object();
  for (const auto& [k, v] : r.labels) labels[k] = v;
  meta["labels"] = std::move(labels);
  if (r.version != 0) meta["resourceVersion"] = std::to_string(r.version);
  if (r.created_ms != 0) meta["creationTimestamp"] = format_created(r.created_ms);
  json j = json::object();
  j["apiVersion"] = r.api_version;
  j["kind"] = r.kind;
  j["metadata"] = std::move(meta);
  j["spec"] = r.spec.is_null() ? json::object() : r.spec;
  j["status"] = r.status.is_null() ? json::object() : r.status;
  return j;
}

Result<Resource> from_json(const nlohmann::json& j, bool trusted) {
  if (!j.is_object()) return expected("resource", "an object", j);
  Resource r;
  bool has_kind = false;
  for (const auto& [key, v] : j.items()) {
    if (key == "apiVersion") {
      if (!v.is_string()) return expected(key, "a string", v);
      const std::string& s = v.get_ref<const std::string&>();
      if (s != kApiVersion)
        return invalid_argument(std::string("apiVersion: expected ") + kApiVersion + ", got '" +
                                s + "'");
      r.api_version = s;
    } else if (key == "kind") {
      if (!v.is_string()) return expected(key, "a string", v);
      r.kind = v.get<std::string>();
      if (r.kind.empty()) return invalid_argument("kind: must not be empty");
      has_kind = true;
    } else if (key == "metadata") {
      EDDY_RETURN_IF_ERROR(read_metadata(v, trusted, &r));
    } else if (key == "spec" || key == "status") {
      if (v.is_null()) continue;
      if (!v.is_object()) return expected(key, "an object", v);
      (key == "spec" ? r.spec : r.status) = v;
    } else {
      return invalid_argument(key + ": unknown field (expected apiVersion, kind, metadata, spec, "
                                    "status)");
    }
  }
  if (!has_kind) return invalid_argument("kind: missing");
  return r;
}

Status reject_nul_bytes(const nlohmann::json& v, const std::string& path) {
  auto has_nul = [](const std::string& s) { return s.find('\0') != std::string::npos; };
  if (v.is_string() && has_nul(v.get_ref<const std::string&>()))
    return invalid_argument(path + ": contains a NUL byte (\\u0000), which no field accepts");
  if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i)
      EDDY_RETURN_IF_ERROR(reject_nul_bytes(v[i], path + "[" + std::to_string(i) + "]"));
  } else if (v.is_object()) {
    for (const auto& [key, item] : v.items()) {
      if (has_nul(key))
        return invalid_argument(path + ": a key contains a NUL byte (\\u0000)");
      EDDY_RETURN_IF_ERROR(reject_nul_bytes(item, path + "." + key));
    }
  }
  return Status::ok();
}

Status validate_name(const std::string& name, const std::string& what) {
  bool ok = !name.empty() && name.size() <= 63 && is_alnum_lower(name.front()) &&
            is_alnum_lower(name.back());
  for (char c : name) ok = ok && (is_alnum_lower(c) || c == '-');
  if (ok) return Status::ok();
  return invalid_argument(what + ": '" + name +
                          "' is not a valid name: lower-case letters, digits and '-', 1-63 "
                          "characters, starting and ending with a letter or digit");
}

bool LabelSelector::matches(const std::map<std::string, std::string>& labels) const {
  for (const Term& t : terms) {
    auto it = labels.find(t.key);
    switch (t.op) {
      case Term::Op::kExists:
        if (it == labels.end()) return false;
        break;
      case Term::Op::kEquals:
        if (it == labels.end() || it->second != t.value) return false;
        break;
      case Term::Op::kNotEquals:  // as Kubernetes: an absent key satisfies "!="
        if (it != labels.end() && it->second == t.value) return false;
        break;
    }
  }
  return true;
}

Result<LabelSelector> parse_label_selector(const std::string& text) {
  LabelSelector sel;
  auto fail = [&](const std::string& why) {
    return invalid_argument("label selector '" + text + "': " + why);
  };
  if (trim(text).empty()) return sel;  // matches everything
  std::string_view rest = text;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view token = trim(rest.substr(0, comma));
    if (token.empty()) return fail("empty term");
    LabelSelector::Term term;
    std::string_view key = token, value;
    if (size_t p = token.find("!="); p != std::string_view::npos) {
      term.op = LabelSelector::Term::Op::kNotEquals;
      key = token.substr(0, p);
      value = token.substr(p + 2);
    } else if (size_t q = token.find('='); q != std::string_view::npos) {
      term.op = LabelSelector::Term::Op::kEquals;
      key = token.substr(0, q);
      value = token.substr(token.compare(q, 2, "==") == 0 ? q + 2 : q + 1);
    }
    key = trim(key);
    value = trim(value);
    if (!valid_label_key(key))
      return fail("'" + std::string(key) + "' is not a valid label key: " + kLabelRule);
    if (term.op != LabelSelector::Term::Op::kExists && !valid_label_value(value))
      return fail("'" + std::string(value) + "' is not a valid label value: " + kLabelRule);
    term.key = std::string(key);
    term.value = std::string(value);
    sel.terms.push_back(std::move(term));
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return sel;
}

}  // namespace eddy::resources
