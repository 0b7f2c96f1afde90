// The Session controller: a Livy session's state follows its cluster (starting until the
// cluster is ready, error if it failed) and then its statements (busy while one waits or runs,
// else idle). Killing a session cancels its statements; deleting it deletes them.
#include "controlplane/cluster_ref.h"
#include "controlplane/kind_controller.h"
#include "controlplane/resource_service.h"
#include "controlplane/task_scheduler.h"
#include "kinds/statement/statements.h"
#include "resources/states.h"

namespace eddy::kinds {
namespace {

using controlplane::Services;
using resources::ClusterState;
using resources::Resource;
using resources::SessionState;
using resources::StatementState;

class SessionController : public controlplane::KindController {
 public:
  explicit SessionController(Services& s) : s_(s) {}

  Status admit(Resource& r) override {
    const std::string cluster = controlplane::cluster_of(r, s_.options.default_cluster);
    if (cluster != s_.options.default_cluster && !s_.resources.get("Cluster", cluster).is_ok())
      return not_found("spec.cluster: cluster '" + cluster + "' not found");
    resources::set_state(r, SessionState::kStarting);
    r.status["nextStatementId"] = 0;
    r.status["cluster"] = cluster;
    r.status["tables"] = nlohmann::json::object();
    return Status::ok();
  }

  void created(Resource& r) override {
    s_.tasks.request_cluster(controlplane::cluster_of(r, s_.options.default_cluster));
    reconcile(r);  // on a ready cluster a session is idle at once
    if (auto now = s_.resources.get("Session", r.name); now.is_ok()) r = *now;
  }

  Status cancel(const Resource& r) override {
    for (const Resource& st : list_statements(s_.resources, r.name).value_or({})) {
      StatementState s = resources::state_of(st, StatementState::kWaiting);
      if (s == StatementState::kWaiting || s == StatementState::kRunning)
        (void)s_.resources.cancel("Statement", st.name);
    }
    return s_.resources
        .mutate("Session", r.name,
                [](Resource& cur) {
                  resources::set_state(cur, SessionState::kKilled);
                  return true;
                })
        .status();
  }

  Result<controlplane::Removal> remove(const Resource& r) override {
    EDDY_RETURN_IF_ERROR(cancel(r));
    // Its statements go with it; a running one once its worker has killed it.
    for (const Resource& st : list_statements(s_.resources, r.name).value_or({})) {
      auto removed = s_.resources.remove("Statement", st.name);
      if (!removed.is_ok() && removed.status().code() != StatusCode::kNotFound)
        return removed.status().with_context("deleting Statement " + st.name);
    }
    s_.tasks.forget_serial(r.name);  // a pyspark session's worker
    return controlplane::Removal::kNow;
  }

  // Sessions waiting for their cluster: ask for it, and follow its state. Idle and busy
  // sessions change only with their statements, which reconcile them (not periodic).
  void pass() override {
    for (const Resource& s : s_.resources.list("Session").value_or({})) {
      if (resources::state_of(s, SessionState::kStarting) != SessionState::kStarting) continue;
      s_.tasks.request_cluster(controlplane::cluster_of(s, s_.options.default_cluster));
      reconcile(s);
    }
  }
  bool periodic() const override { return false; }

  void reconcile(const Resource& r) override {
    const SessionState state = resources::state_of(r, SessionState::kStarting);
    if (state != SessionState::kStarting && state != SessionState::kIdle &&
        state != SessionState::kBusy)
      return;
    SessionState next = state;
    const auto statements = list_statements(s_.resources, r.name).value_or({});
    if (state == SessionState::kStarting) {
      auto c = s_.resources.get("Cluster", controlplane::cluster_of(r, s_.options.default_cluster));
      const ClusterState cs =
          c.is_ok() ? resources::state_of(*c, ClusterState::kStarting) : ClusterState::kStarting;
      if (cs == ClusterState::kWaiting || cs == ClusterState::kRunning) next = SessionState::kIdle;
      // A statement that a worker took shows the session has started, even while the cluster
      // still waits for its other workers (its WAITING comes with the last one).
      for (const auto& st : statements)
        if (resources::state_of(st, StatementState::kWaiting) != StatementState::kWaiting)
          next = SessionState::kIdle;
      if (cs == ClusterState::kTerminatedWithErrors) next = SessionState::kError;
    }
    if (next != SessionState::kStarting && next != SessionState::kError) {
      bool busy = false;
      for (const auto& st : statements) {
        StatementState ss = resources::state_of(st, StatementState::kAvailable);
        if (ss == StatementState::kWaiting || ss == StatementState::kRunning ||
            ss == StatementState::kCancelling)
          busy = true;
      }
      next = busy ? SessionState::kBusy : SessionState::kIdle;
    }
    if (next == state) return;
    (void)s_.resources.mutate("Session", r.name, [&](Resource& cur) {
      // Only from the state this decision was made in: a kill in between wins.
      if (resources::state_of(cur, SessionState::kStarting) != state) return false;
      resources::set_state(cur, next);
      return true;
    });
  }

 private:
  Services& s_;
};

[[maybe_unused]] const bool registered = controlplane::register_controller(
    "Session", [](Services& s) { return std::make_unique<SessionController>(s); },
    /*pass_order=*/10);

}  // namespace
}  // namespace eddy::kinds
