// Session: a Livy interactive session (docs/api.md#session). Kinds `pyspark` (a Python
// interpreter kept on one worker: docs/pyspark.md), `sql` and `eddy` run on a cluster's
// workers; Spark's Scala and R interpreters are refused by name.
#include "resources/kind_registry.h"
#include "resources/status_fields.h"

namespace eddy::kinds {
namespace {

using namespace resources;  // the schema helpers: spec_int, status_string, ...

// Livy request fields Eddy accepts and echoes back but does not act on (resources come from
// the cluster): kept so that unchanged clients are not refused.
const std::vector<std::string> kLivyEchoFields = {
    "proxyUser", "jars", "pyFiles", "files", "driverMemory", "driverCores", "executorMemory",
    "executorCores", "numExecutors", "archives", "queue", "heartbeatTimeoutInSecond", "ttl",
    "idleTimeout"};

Status validate_session(nlohmann::json& spec) {
  std::vector<std::string> known = {"kind", "cluster", "conf", "livyName"};
  known.insert(known.end(), kLivyEchoFields.begin(), kLivyEchoFields.end());
  EDDY_RETURN_IF_ERROR(reject_unknown_fields(spec, known));
  EDDY_ASSIGN_OR_RETURN(std::string kind, spec_string(spec, "kind", "eddy"));
  if (kind != "sql" && kind != "eddy" && kind != "pyspark") {
    std::string why = (kind == "spark" || kind == "sparkr" || kind == "shared")
                          ? "Eddy has no Scala or R interpreter"
                          : "unknown kind";
    return invalid_argument("spec.kind: '" + kind + "' is not supported (" + why +
                            "): supported kinds are pyspark (Python with Eddy's PySpark "
                            "subset), sql (Spark SQL dialect) and eddy (a job manifest per "
                            "statement)");
  }
  EDDY_ASSIGN_OR_RETURN(std::string cluster, spec_string(spec, "cluster", ""));
  if (!cluster.empty()) EDDY_RETURN_IF_ERROR(validate_name(cluster, "spec.cluster"));
  if (spec.contains("conf")) {
    if (!spec["conf"].is_object()) return invalid_argument("spec.conf: expected a map");
    for (const auto& [k, v] : spec["conf"].items())
      if (!v.is_string() && !v.is_number() && !v.is_boolean())
        return invalid_argument("spec.conf." + k + ": expected a string");
  }
  spec["kind"] = kind;
  return Status::ok();
}

[[maybe_unused]] const bool registered = register_kind(KindInfo{
    "Session",
    "sessions",
    {"session", "se"},
    true,
    validate_session,
    {
        {"ID", [](const Resource& r) { return std::to_string(r.id); }, false},
        {"KIND", [](const Resource& r) { return spec_text(r, "kind"); }, false},
        {"STATE", [](const Resource& r) { return status_string(r, "state"); }, false},
        {"CLUSTER", [](const Resource& r) { return cluster_text(r); }, false},
        {"STATEMENTS", [](const Resource& r) { return std::to_string(status_int(r, "nextStatementId")); },
         true},
    }});

}  // namespace
}  // namespace eddy::kinds
