// The Batch controller and task owner: a Livy batch is one task, `eddy run` of its file (or of
// its inline manifest, as a BatchJob submits it) on a worker of its cluster. Livy's batch log
// is the driver's output: the job's stderr lines as they come, then its stdout.
#include "cluster/task_invocation.h"
#include "controlplane/cluster_ref.h"
#include "controlplane/kind_controller.h"
#include "controlplane/resource_service.h"
#include "controlplane/task_scheduler.h"
#include "resources/states.h"

namespace eddy::kinds {
namespace {

using controlplane::CancelOutcome;
using controlplane::Services;
using controlplane::TaskEnd;
using controlplane::TaskKey;
using controlplane::to_ms;
using resources::BatchState;
using resources::Resource;

constexpr const char* kSparkPiClass = "org.apache.spark.examples.SparkPi";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  for (size_t b = 0; b < text.size();) {
    size_t e = text.find('\n', b);
    if (e == std::string::npos) e = text.size();
    out.push_back(text.substr(b, e - b));
    b = e + 1;
  }
  return out;
}

class BatchController : public controlplane::KindController, public controlplane::TaskOwner {
 public:
  explicit BatchController(Services& s) : s_(s) { s_.tasks.set_owner("Batch", this); }

  Status admit(Resource& r) override {
    if (s_.options.confine) EDDY_RETURN_IF_ERROR(s_.options.confine->allows(r.spec.value("file", "")));
    const std::string cluster = controlplane::cluster_of(r, s_.options.default_cluster);
    if (cluster != s_.options.default_cluster && !s_.resources.get("Cluster", cluster).is_ok())
      return not_found("spec.cluster: cluster '" + cluster + "' not found");
    resources::set_state(r, BatchState::kStarting);
    r.status["attempt"] = 0;
    r.status["cluster"] = cluster;
    return Status::ok();
  }

  void created(Resource& r) override { s_.tasks.enqueue(queued(r, 0)); }

  Status cancel(const Resource& r) override {
    const CancelOutcome outcome = s_.tasks.cancel(TaskKey{"Batch", r.name});
    const Micros now = s_.clock.now();
    return s_.resources
        .mutate("Batch", r.name,
                [&](Resource& cur) {
                  BatchState st = resources::state_of(cur, BatchState::kStarting);
                  if (resources::is_finished(st)) return false;
                  if (outcome == CancelOutcome::kKilling) {
                    resources::set_state(cur, BatchState::kShuttingDown);
                  } else if (st == BatchState::kStarting) {
                    resources::set_state(cur, BatchState::kKilled);
                    cur.status["completed"] = to_ms(now);
                  } else {
                    return false;
                  }
                  return true;
                })
        .status();
  }

  Result<controlplane::Removal> remove(const Resource& r) override {
    EDDY_RETURN_IF_ERROR(cancel(r));
    return controlplane::removal_after_cancel(s_, r);
  }

  Status restore() override {
    EDDY_ASSIGN_OR_RETURN(auto all, s_.resources.list("Batch"));
    for (const Resource& b : all) {
      const BatchState state = resources::state_of(b, BatchState::kSuccess);
      const int64_t attempt = b.status.value("attempt", int64_t{0});
      if (state == BatchState::kStarting) {
        s_.tasks.enqueue(queued(b, attempt));
      } else if (state == BatchState::kRunning || state == BatchState::kShuttingDown) {
        s_.tasks.adopt_running(queued(b, attempt), b.status.value("worker", ""),
                               state == BatchState::kShuttingDown);
      }
    }
    return Status::ok();
  }

  bool periodic() const override { return false; }

  // ---- TaskOwner ----
  Result<cluster::TaskInvocation> build(const TaskKey& key) override {
    EDDY_ASSIGN_OR_RETURN(Resource b, s_.resources.get("Batch", key.name));
    std::string file = b.spec.value("file", "");
    std::vector<std::string> args;
    if (b.spec.contains("args") && b.spec["args"].is_array())
      for (const auto& a : b.spec["args"])
        if (a.is_string()) args.push_back(a.get<std::string>());
    // SparkPi's jar is a Spark artefact: its class is what names the job.
    if (file.rfind("builtin:", 0) == 0) return cluster::TaskInvocation::run_builtin(file, args);
    if (b.spec.value("className", "") == kSparkPiClass)
      return cluster::TaskInvocation::run_builtin("builtin:pi", args);
    if (!file.empty()) return cluster::TaskInvocation::run_manifest(file, args);
    // An inline manifest (spec.manifest).
    EDDY_ASSIGN_OR_RETURN(cluster::TaskInvocation inv,
                          cluster::TaskInvocation::run_manifest("manifest.yaml", args));
    inv.files["manifest.yaml"] = b.spec.value("manifest", "");
    return inv;
  }

  Status started(const TaskKey& key, int64_t attempt, const std::string& worker,
                 Micros now) override {
    return s_.resources
        .mutate("Batch", key.name,
                [&](Resource& cur) {
                  resources::set_state(cur, BatchState::kRunning);
                  cur.status["attempt"] = attempt;
                  cur.status["worker"] = worker;
                  cur.status["started"] = to_ms(now);
                  // Livy's appId appears once the application runs (YARN: at submission).
                  cur.status["appId"] = "eddy-batch-" + std::to_string(cur.id);
                  return true;
                })
        .status();
  }

  void requeued(const TaskKey& key, const std::string&) override {
    (void)s_.resources.mutate("Batch", key.name, [](Resource& cur) {
      resources::set_state(cur, BatchState::kStarting);
      cur.status.erase("worker");
      return true;
    });
  }

  std::string finished(const TaskKey& key, const TaskEnd& e) override {
    if (e.how != TaskEnd::How::kLost) {
      std::vector<std::string> out = lines_of(e.report.stdout_text);
      if (!out.empty()) (void)s_.resources.append_log("Batch", key.name, out);
    }
    const Micros now = s_.clock.now();
    std::string result;
    auto b = s_.resources.mutate("Batch", key.name, [&](Resource& cur) {
      cur.status["completed"] = to_ms(now);
      if (e.how != TaskEnd::How::kLost) {
        const auto& r = e.report;
        cur.status["accounting"] = {{"workerSeconds", r.wall_seconds},
                                    {"cpuSeconds", r.cpu_seconds},
                                    {"peakMemoryBytes", r.peak_rss_bytes}};
        cur.status["exitCode"] = r.exit_code;
      }
      BatchState state = e.cancelled                        ? BatchState::kKilled
                         : e.how == TaskEnd::How::kLost     ? BatchState::kDead
                         : e.report.exit_code == 0          ? BatchState::kSuccess
                                                            : BatchState::kDead;
      resources::set_state(cur, state);
      result = e.how == TaskEnd::How::kLost && !e.cancelled ? "lost"
                                                            : resources::state_name(state);
      return true;
    });
    if (b.is_ok() && b->status.value("deleteRequested", false)) (void)s_.resources.erase(*b);
    return result.empty() ? "lost" : result;
  }

  Status log(const TaskKey& key, const std::vector<std::string>& lines) override {
    return s_.resources.append_log("Batch", key.name, lines);
  }

 private:
  controlplane::TaskScheduler::Queued queued(const Resource& b, int64_t attempt) {
    const std::string cluster = controlplane::cluster_of(b, s_.options.default_cluster);
    return {TaskKey{"Batch", b.name}, cluster, "", attempt, false, ""};
  }

  Services& s_;
};

[[maybe_unused]] const bool registered = controlplane::register_controller(
    "Batch", [](Services& s) { return std::make_unique<BatchController>(s); });

}  // namespace
}  // namespace eddy::kinds
