// Cluster: a set of workers that run Batch and Statement work (docs/api.md#cluster).
#include "common/byte_size.h"
#include "common/time_format.h"
#include "resources/kind_registry.h"
#include "resources/status_fields.h"

namespace eddy::kinds {
namespace {

using namespace resources;  // the schema helpers: spec_int, status_string, ...

Status validate_cluster(nlohmann::json& spec) {
  EDDY_RETURN_IF_ERROR(reject_unknown_fields(
      spec, {"workers", "coresPerWorker", "memoryPerWorker", "idleTimeout", "autoTerminate",
             "backend", "maxTaskAttempts"}));
  EDDY_ASSIGN_OR_RETURN(int64_t workers, spec_int(spec, "workers", 2, 1, 64));
  EDDY_ASSIGN_OR_RETURN(int64_t cores, spec_int(spec, "coresPerWorker", 1, 1, 256));
  EDDY_ASSIGN_OR_RETURN(std::string memory, spec_string(spec, "memoryPerWorker", "1GiB"));
  if (auto m = parse_byte_size(memory); !m.is_ok())
    return invalid_argument("spec.memoryPerWorker: " + m.status().message());
  EDDY_ASSIGN_OR_RETURN(std::string idle, spec_string(spec, "idleTimeout", "10m"));
  if (auto d = parse_duration(idle); !d.is_ok())
    return invalid_argument("spec.idleTimeout: " + d.status().message());
  EDDY_ASSIGN_OR_RETURN(bool auto_terminate, spec_bool(spec, "autoTerminate", true));
  EDDY_ASSIGN_OR_RETURN(std::string backend, spec_string(spec, "backend", "local"));
  if (backend != "local")
    return invalid_argument("spec.backend: '" + backend +
                            "' is not available in this build (available: local)");
  EDDY_ASSIGN_OR_RETURN(int64_t attempts, spec_int(spec, "maxTaskAttempts", 2, 1, 10));
  spec["workers"] = workers;
  spec["coresPerWorker"] = cores;
  spec["memoryPerWorker"] = memory;
  spec["idleTimeout"] = idle;
  spec["autoTerminate"] = auto_terminate;
  spec["backend"] = backend;
  spec["maxTaskAttempts"] = attempts;
  return Status::ok();
}

[[maybe_unused]] const bool registered = register_kind(KindInfo{
    "Cluster",
    "clusters",
    {"cluster", "cl"},
    true,
    validate_cluster,
    {
        {"STATE", [](const Resource& r) { return status_string(r, "state"); }, false},
        {"WORKERS",
         [](const Resource& r) {
           return std::to_string(status_int(r, "readyWorkers")) + "/" +
                  std::to_string(r.spec.value("workers", 0));
         },
         false},
        {"IDLE-TIMEOUT", [](const Resource& r) { return r.spec.value("idleTimeout", ""); }, true},
        {"CPU-SECONDS",
         [](const Resource& r) { return format_seconds(status_number(r, "accounting", "cpuSeconds")); },
         true},
        {"WORKER-SECONDS",
         [](const Resource& r) {
           return format_seconds(status_number(r, "accounting", "workerSeconds"));
         },
         true},
        {"REASON",
         [](const Resource& r) {
           return r.status.contains("stateChangeReason")
                      ? r.status["stateChangeReason"].value("code", "")
                      : std::string();
         },
         true},
    }});

}  // namespace
}  // namespace eddy::kinds
