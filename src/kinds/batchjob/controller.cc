// The BatchJob controller (kind.h): one Batch child per BatchJob, its state mirrored.
#include "controlplane/kind_controller.h"
#include "controlplane/resource_service.h"
#include "kinds/batchjob/kind.h"
#include "resources/states.h"

namespace eddy::kinds {
namespace {

using resources::Resource;

std::string phase_of_batch(const Resource& batch) {
  using resources::BatchState;
  switch (resources::state_of(batch, BatchState::kStarting)) {
    case BatchState::kSuccess: return "Succeeded";
    case BatchState::kDead:
    case BatchState::kKilled: return "Failed";
    case BatchState::kRunning: return "Running";
    default: return "Pending";
  }
}

class BatchJobController : public controlplane::KindController {
 public:
  explicit BatchJobController(controlplane::Services& s) : resources_(s.resources) {}

  std::vector<std::string> child_kinds() const override { return {"Batch"}; }

  void reconcile(const Resource& job) override {
    const std::string phase = job.status.value("phase", "");
    if (phase == "Succeeded" || phase == "Failed") return;
    Resource next = job;
    const std::string child = job.name + "-run";
    auto batch = resources_.get("Batch", child);
    if (!batch.is_ok() && batch.status().code() == StatusCode::kNotFound) {
      if (!phase.empty()) {  // it was submitted and is gone: deleted behind our back
        next.status["phase"] = "Failed";
        next.status["message"] = "Batch " + child + " was deleted";
        (void)resources_.update_status(next);
        return;
      }
      Resource b;
      b.kind = "Batch";
      b.name = child;
      b.labels[controlplane::kOwnerLabel] = controlplane::owner_label_value(job);
      b.spec = {{"manifest", batch_job_manifest(job.name, job.spec)}};
      if (std::string cluster = job.spec.value("cluster", ""); !cluster.empty())
        b.spec["cluster"] = cluster;
      batch = resources_.create(b);
    }
    if (!batch.is_ok()) {
      next.status["phase"] = "Failed";
      next.status["message"] = "cannot submit Batch " + child + ": " + batch.status().message();
    } else {
      next.status["batch"] = child;
      next.status["phase"] = phase_of_batch(*batch);
      for (const char* key : {"exitCode", "accounting", "started", "completed", "cluster"})
        if (batch->status.contains(key)) next.status[key] = batch->status[key];
    }
    if (next.status != job.status) (void)resources_.update_status(next);
  }

 private:
  controlplane::ResourceService& resources_;
};

[[maybe_unused]] const bool registered = controlplane::register_controller(
    "BatchJob",
    [](controlplane::Services& s) { return std::make_unique<BatchJobController>(s); });

}  // namespace
}  // namespace eddy::kinds
