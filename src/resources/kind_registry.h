// The kinds `eddy serve` knows, and for each: its names (kubectl-style plural and short names),
// how its spec is validated and defaulted, and the table columns `eddy get` prints. Adding a kind
// = one folder src/kinds/<kind>/ whose kind.cc registers a KindInfo with register_kind() from a
// static initializer and whose controller.cc registers its KindController (see
// src/kinds/batchjob/, docs/ARCHITECTURE.md "The control plane"). Every kind, the core ones
// (Cluster, Session, Statement, Batch) included, is registered this way: src/kinds/ is linked as
// an object library so that the initializers are kept.
//
// Thread-safety: register_kind() runs in static initializers, before main(); lookups after.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "resources/resource.h"

namespace eddy::resources {

struct Column {
  std::string header;                               // "STATE"
  std::function<std::string(const Resource&)> cell;  // value for one resource
  bool wide_only = false;                           // shown only with -o wide
};

struct KindInfo {
  std::string kind;                      // "Cluster"
  std::string plural;                    // "clusters" (URL path segment: /v1/clusters)
  std::vector<std::string> short_names;  // {"cluster", "cl"}: what `eddy get` also accepts
  bool user_creatable = true;            // false for kinds only the server creates (Statement)
  // Validates `spec` in place and fills defaults. Errors name the field: "spec.workers: ...".
  std::function<Status(nlohmann::json& spec)> validate_spec;
  std::vector<Column> columns;  // NAME and AGE are added by the printer
};

// Registers a kind (call from a static initializer in the kind's file).
bool register_kind(KindInfo info);
// Looks a kind up by kind name, plural or short name, case-insensitively.
const KindInfo* find_kind(const std::string& name);
std::vector<const KindInfo*> all_kinds();

// Shared spec readers: each returns the value at spec[key] (or the default when absent) and
// an error naming "spec.<key>" when present with the wrong type or out of range.
Result<int64_t> spec_int(const nlohmann::json& spec, const std::string& key, int64_t dflt,
                         int64_t lo, int64_t hi);
Result<std::string> spec_string(const nlohmann::json& spec, const std::string& key,
                                const std::string& dflt);
Result<bool> spec_bool(const nlohmann::json& spec, const std::string& key, bool dflt);
// Rejects keys of `spec` not in `known`: "spec.wrokers: unknown field (known: workers, ...)".
Status reject_unknown_fields(const nlohmann::json& spec, const std::vector<std::string>& known,
                             const std::string& prefix = "spec");

}  // namespace eddy::resources
