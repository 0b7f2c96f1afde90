// A resource: the one shape of everything a user manages through `eddy serve` (clusters,
// Livy sessions and their statements, batches; later workflows and ML jobs). It follows the
// Kubernetes object model so that `eddy get -o yaml` and the REST API look familiar:
//
//   apiVersion: eddy.dev/v1
//   kind: Cluster
//   metadata: {name, uid, id, labels, resourceVersion, creationTimestamp}
//   spec:   what the user wants (validated by the kind, resources/kind_registry.h)
//   status: what is (written only by the server's controllers)
//
// Invariants: (kind, name) is unique; `id` is a per-kind sequence number assigned by the store
// at creation (Livy's integer session and batch ids are these); `version` is a store-wide
// sequence bumped by every write, so a newer write always has a larger version.
// Plain value type; not thread-safe by itself.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"

namespace eddy::resources {

inline constexpr const char* kApiVersion = "eddy.dev/v1";

struct Resource {
  std::string api_version = kApiVersion;
  std::string kind;
  std::string name;
  std::string uid;         // assigned by the store at creation
  int64_t id = -1;         // per-kind sequence, assigned by the store at creation (0, 1, ...)
  int64_t version = 0;     // store-wide write sequence (metadata.resourceVersion)
  int64_t created_ms = 0;  // Unix epoch milliseconds, assigned by the store at creation
  std::map<std::string, std::string> labels;
  nlohmann::json spec = nlohmann::json::object();
  nlohmann::json status = nlohmann::json::object();
};

// The wire and storage form: {apiVersion, kind, metadata{...}, spec, status}.
nlohmann::json to_json(const Resource& r);
// Reads the wire form back. Reads metadata.{name, labels} always; uid, id, resourceVersion and
// creationTimestamp only when `trusted` (the store reading its own rows): a user's manifest
// cannot set them. Errors name the field ("metadata.name: expected a string").
Result<Resource> from_json(const nlohmann::json& j, bool trusted);

// kInvalidArgument naming the first string (or key) under `v` that holds a NUL byte: no Eddy
// field has a use for one, and a path or argument with one is cut short where it reaches the
// operating system (the server checks one string and the worker's argv gets another).
Status reject_nul_bytes(const nlohmann::json& v, const std::string& path);
// Kubernetes DNS-1123 label rules (lower-case alphanumerics and '-', 1-63 chars, starting and
// ending alphanumeric). Error message names `what`.
Status validate_name(const std::string& name, const std::string& what);

// A label selector as `kubectl get -l` takes it: "app=web,tier!=db,env" (key present).
struct LabelSelector {
  struct Term {
    std::string key;
    enum class Op { kEquals, kNotEquals, kExists } op = Op::kExists;
    std::string value;
  };
  std::vector<Term> terms;
  bool matches(const std::map<std::string, std::string>& labels) const;
};
Result<LabelSelector> parse_label_selector(const std::string& text);

}  // namespace eddy::resources
