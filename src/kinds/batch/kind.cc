// Batch: a Livy batch, i.e. one run of a job file (or of an inline manifest, as a BatchJob's
// controller submits it) on a cluster (docs/api.md#batch).
#include "resources/kind_registry.h"
#include "resources/status_fields.h"

namespace eddy::kinds {
namespace {

using namespace resources;  // the schema helpers: spec_int, status_string, ...

Status validate_batch(nlohmann::json& spec) {
  EDDY_RETURN_IF_ERROR(reject_unknown_fields(
      spec, {"file", "manifest", "className", "args", "conf", "cluster", "livyName", "proxyUser", "jars",
             "pyFiles", "files", "driverMemory", "driverCores", "executorMemory", "executorCores",
             "numExecutors", "archives", "queue"}));
  EDDY_ASSIGN_OR_RETURN(std::string file, spec_string(spec, "file", ""));
  EDDY_ASSIGN_OR_RETURN(std::string manifest, spec_string(spec, "manifest", ""));
  if (file.empty() == manifest.empty())
    return invalid_argument(
        "spec.file: exactly one of file (a job manifest path, an s3:// URI, or builtin:pi) and "
        "manifest (the manifest's text) is required");
  EDDY_ASSIGN_OR_RETURN(std::string class_name, spec_string(spec, "className", ""));
  if (!class_name.empty() && class_name != "org.apache.spark.examples.SparkPi")
    return invalid_argument("spec.className: '" + class_name +
                            "' is not a job Eddy can run (Eddy runs job manifests; the one "
                            "Spark class it knows is org.apache.spark.examples.SparkPi)");
  if (spec.contains("args")) {
    if (!spec["args"].is_array()) return invalid_argument("spec.args: expected a list of strings");
    for (size_t i = 0; i < spec["args"].size(); ++i) {
      auto& a = spec["args"][i];
      if (a.is_number()) a = a.dump();
      if (!a.is_string())
        return invalid_argument("spec.args[" + std::to_string(i) + "]: expected a string");
    }
  }
  EDDY_ASSIGN_OR_RETURN(std::string cluster, spec_string(spec, "cluster", ""));
  if (!cluster.empty()) EDDY_RETURN_IF_ERROR(validate_name(cluster, "spec.cluster"));
  if (spec.contains("conf") && !spec["conf"].is_object())
    return invalid_argument("spec.conf: expected a map");
  return Status::ok();
}

[[maybe_unused]] const bool registered = register_kind(KindInfo{
    "Batch",
    "batches",
    {"batch", "ba"},
    true,
    validate_batch,
    {
        {"ID", [](const Resource& r) { return std::to_string(r.id); }, false},
        {"STATE", [](const Resource& r) { return status_string(r, "state"); }, false},
        {"FILE", [](const Resource& r) { return spec_text(r, "file"); }, false},
        {"CLUSTER", [](const Resource& r) { return cluster_text(r); }, false},
        {"WORKER", [](const Resource& r) { return status_string(r, "worker"); }, true},
        {"CPU-SECONDS",
         [](const Resource& r) { return format_seconds(status_number(r, "accounting", "cpuSeconds")); },
         true},
    }});

}  // namespace
}  // namespace eddy::kinds
