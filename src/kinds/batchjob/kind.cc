// The BatchJob kind: names, validation (the batch manifest parser of `eddy run` itself) and
// the columns of `eddy get batchjobs`.
#include "kinds/batchjob/kind.h"

#include "jobs/batch_job_manifest.h"
#include "resources/kind_registry.h"
#include "resources/status_fields.h"

namespace eddy::kinds {

std::string batch_job_manifest(const std::string& name, const nlohmann::json& spec) {
  nlohmann::json what = spec;
  what.erase("cluster");
  // JSON is YAML: the manifest parser reads it as it reads any manifest file.
  return nlohmann::json{{"apiVersion", resources::kApiVersion},
                        {"kind", "BatchJob"},
                        {"metadata", {{"name", name.empty() ? "batchjob" : name}}},
                        {"spec", what}}
      .dump();
}

namespace {

Status validate_batch_job(nlohmann::json& spec) {
  EDDY_ASSIGN_OR_RETURN(std::string cluster, resources::spec_string(spec, "cluster", ""));
  if (!cluster.empty()) EDDY_RETURN_IF_ERROR(resources::validate_name(cluster, "spec.cluster"));
  // The parser names fields as "spec.steps[2].split: ..." after the origin given here.
  auto parsed = jobs::parse_batch_job(batch_job_manifest("", spec), "BatchJob", {});
  if (!parsed.is_ok()) return invalid_argument(parsed.status().message());
  return Status::ok();
}

[[maybe_unused]] const bool registered = resources::register_kind(resources::KindInfo{
    "BatchJob",
    "batchjobs",
    {"batchjob", "bj"},
    true,
    validate_batch_job,
    {
        {"PHASE", [](const resources::Resource& r) { return resources::status_string(r, "phase"); },
         false},
        {"BATCH", [](const resources::Resource& r) { return resources::status_string(r, "batch"); },
         false},
        {"CLUSTER", [](const resources::Resource& r) { return resources::cluster_text(r); },
         false},
        {"CPU-SECONDS",
         [](const resources::Resource& r) {
           return resources::format_seconds(
               resources::status_number(r, "accounting", "cpuSeconds"));
         },
         true},
    }});

}  // namespace
}  // namespace eddy::kinds
