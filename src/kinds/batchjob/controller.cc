// The BatchJob controller (kind.h): one Batch child per BatchJob, its state mirrored.
#include "controllers/control_plane.h"
#include "controllers/kind_controller.h"
#include "kinds/batchjob/kind.h"

namespace eddy::kinds {
namespace {

using resources::Resource;

std::string phase_of_batch(const std::string& state) {
  if (state == "success") return "Succeeded";
  if (state == "dead" || state == "killed") return "Failed";
  if (state == "running") return "Running";
  return "Pending";
}

class BatchJobController : public controllers::KindController {
 public:
  void reconcile(controllers::ControlPlane& cp, const Resource& job) override {
    const std::string phase = job.status.value("phase", "");
    if (phase == "Succeeded" || phase == "Failed") return;
    Resource next = job;
    const std::string child = job.name + "-run";
    auto batch = cp.get("Batch", child);
    if (!batch.is_ok() && batch.status().code() == StatusCode::kNotFound) {
      if (!phase.empty()) {  // it was submitted and is gone: deleted behind our back
        next.status["phase"] = "Failed";
        next.status["message"] = "Batch " + child + " was deleted";
        (void)cp.update_status(next);
        return;
      }
      Resource b;
      b.kind = "Batch";
      b.name = child;
      b.labels[controllers::kOwnerLabel] = controllers::owner_label_value(job);
      b.spec = {{"manifest", batch_job_manifest(job.name, job.spec)}};
      if (std::string cluster = job.spec.value("cluster", ""); !cluster.empty())
        b.spec["cluster"] = cluster;
      batch = cp.create(b);
    }
    if (!batch.is_ok()) {
      next.status["phase"] = "Failed";
      next.status["message"] = "cannot submit Batch " + child + ": " + batch.status().message();
    } else {
      next.status["batch"] = child;
      next.status["phase"] = phase_of_batch(batch->status.value("state", ""));
      for (const char* key : {"exitCode", "accounting", "started", "completed"})
        if (batch->status.contains(key)) next.status[key] = batch->status[key];
    }
    if (next.status != job.status) (void)cp.update_status(next);
  }
};

[[maybe_unused]] const bool registered = controllers::register_controller(
    "BatchJob", [] { return std::make_unique<BatchJobController>(); });

}  // namespace
}  // namespace eddy::kinds
