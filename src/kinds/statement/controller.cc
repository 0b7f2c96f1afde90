// The Statement controller and task owner: a statement runs as one task on a worker of its
// session's cluster (statements of one session one at a time, in order), except the temporary
// view definitions of `sql` sessions, which are bookkeeping on the session. Its status keeps the
// raw result (exit code, stdout, stderr tail); the Livy adapter shapes Livy's output from it
// when read (server/livy_statement_output.h).
#include "cluster/task_invocation.h"
#include "controlplane/cluster_ref.h"
#include "controlplane/kind_controller.h"
#include "controlplane/resource_service.h"
#include "controlplane/task_scheduler.h"
#include "resources/states.h"
#include "sql/spark_statement.h"

namespace eddy::kinds {
namespace {

using controlplane::CancelOutcome;
using controlplane::Services;
using controlplane::to_ms;
using controlplane::TaskEnd;
using controlplane::TaskKey;
using resources::Resource;
using resources::StatementState;

std::string session_of(const Resource& st) { return st.spec.value("session", ""); }

bool is_pyspark(const Resource& session) { return session.spec.value("kind", "") == "pyspark"; }

class StatementController : public controlplane::KindController, public controlplane::TaskOwner {
 public:
  explicit StatementController(Services& s) : s_(s) { s_.tasks.set_owner("Statement", this); }

  Status admit(Resource& r) override {
    EDDY_RETURN_IF_ERROR(check_confinement(r.spec));
    resources::set_state(r, StatementState::kWaiting);
    r.status["attempt"] = 0;
    return Status::ok();
  }

  void created(Resource& r) override {
    auto sess = s_.resources.get("Session", session_of(r));
    // In a pyspark session SQL runs in the interpreter (its temporary views live there).
    if (r.spec.value("kind", "") == "sql" && !(sess.is_ok() && is_pyspark(*sess))) {
      if (auto view = sql::parse_view_definition(r.spec.value("code", ""))) {
        define_view(r, *view);  // bookkeeping only: no worker needed
        if (auto now = s_.resources.get("Statement", r.name); now.is_ok()) r = *now;
        return;
      }
    }
    queue(r, 0);
    s_.reconcile("Session", session_of(r));  // busy
  }

  Status cancel(const Resource& r) override {
    const CancelOutcome outcome = s_.tasks.cancel(TaskKey{"Statement", r.name});
    const Micros now = s_.clock.now();
    EDDY_RETURN_IF_ERROR(s_.resources
                             .mutate("Statement", r.name,
                                     [&](Resource& cur) {
                                       StatementState st =
                                           resources::state_of(cur, StatementState::kWaiting);
                                       if (resources::is_finished(st)) return false;
                                       if (outcome == CancelOutcome::kKilling) {
                                         resources::set_state(cur, StatementState::kCancelling);
                                       } else if (st == StatementState::kWaiting) {
                                         resources::set_state(cur, StatementState::kCancelled);
                                         cur.status["completed"] = to_ms(now);
                                       } else {
                                         return false;
                                       }
                                       return true;
                                     })
                             .status());
    s_.reconcile("Session", session_of(r));
    return Status::ok();
  }

  Result<controlplane::Removal> remove(const Resource& r) override {
    EDDY_RETURN_IF_ERROR(cancel(r));
    return controlplane::removal_after_cancel(s_, r);
  }

  Status restore() override {
    EDDY_ASSIGN_OR_RETURN(auto all, s_.resources.list("Statement"));
    for (const Resource& st : all) {
      const StatementState state = resources::state_of(st, StatementState::kAvailable);
      const int64_t attempt = st.status.value("attempt", int64_t{0});
      if (state == StatementState::kWaiting) {
        queue(st, attempt);
      } else if (state == StatementState::kRunning || state == StatementState::kCancelling) {
        s_.tasks.adopt_running(queued(st, attempt), st.status.value("worker", ""),
                               state == StatementState::kCancelling);
      }
    }
    return Status::ok();
  }

  bool periodic() const override { return false; }

  // ---- TaskOwner ----
  Result<cluster::TaskInvocation> build(const TaskKey& key) override {
    EDDY_ASSIGN_OR_RETURN(Resource st, s_.resources.get("Statement", key.name));
    std::string code = st.spec.value("code", "");
    auto sess = s_.resources.get("Session", session_of(st));
    if (sess.is_ok() && is_pyspark(*sess))
      return cluster::TaskInvocation::pyspark_statement(session_of(st), st.spec.value("kind", "pyspark"),
                                                        code);
    if (st.spec.value("kind", "") != "sql") {
      EDDY_ASSIGN_OR_RETURN(cluster::TaskInvocation inv,
                            cluster::TaskInvocation::run_manifest("manifest.yaml", {}));
      inv.files["manifest.yaml"] = code;
      return inv;
    }
    std::vector<cluster::TaskInvocation::SqlTable> tables;
    if (sess.is_ok() && sess->status.contains("tables"))
      for (const auto& [name, t] : sess->status["tables"].items())
        tables.push_back({name, t.value("format", "auto"), t.value("path", "")});
    std::optional<std::string> output;
    if (auto insert = sql::parse_insert_directory(code)) {
      output = insert->path;
      code = insert->query;
    }
    return cluster::TaskInvocation::sql(code, tables, output);
  }

  Status started(const TaskKey& key, int64_t attempt, const std::string& worker,
                 Micros now) override {
    auto st = s_.resources.mutate("Statement", key.name, [&](Resource& cur) {
      resources::set_state(cur, StatementState::kRunning);
      cur.status["attempt"] = attempt;
      cur.status["worker"] = worker;
      cur.status["started"] = to_ms(now);
      cur.status["progress"] = 0.0;
      return true;
    });
    if (!st.is_ok()) return st.status();
    // A pyspark session's interpreter lives on the worker of its first statement.
    (void)s_.resources.mutate("Session", session_of(*st), [&](Resource& cur) {
      if (!is_pyspark(cur) || cur.status.value("interpreterWorker", "") == worker) return false;
      cur.status["interpreterWorker"] = worker;
      return true;
    });
    s_.reconcile("Session", session_of(*st));
    return Status::ok();
  }

  void requeued(const TaskKey& key, const std::string&) override {
    (void)s_.resources.mutate("Statement", key.name, [](Resource& cur) {
      resources::set_state(cur, StatementState::kWaiting);
      cur.status.erase("worker");
      return true;
    });
  }

  std::string finished(const TaskKey& key, const TaskEnd& e) override {
    const Micros now = s_.clock.now();
    std::string result;
    bool in_pyspark = false;
    if (auto st0 = s_.resources.get("Statement", key.name); st0.is_ok())
      if (auto sess = s_.resources.get("Session", session_of(*st0)); sess.is_ok())
        in_pyspark = is_pyspark(*sess);
    auto st = s_.resources.mutate("Statement", key.name, [&](Resource& cur) {
      cur.status["completed"] = to_ms(now);
      cur.status["progress"] = 1.0;
      if (e.cancelled) {
        resources::set_state(cur, StatementState::kCancelled);
        result = "cancelled";
        return true;
      }
      resources::set_state(cur, StatementState::kAvailable);
      if (e.how == TaskEnd::How::kLost) {
        cur.status["result"] = {{"lost", e.why}};
        result = "lost";
        return true;
      }
      const auto& r = e.report;
      cur.status["accounting"] = {{"workerSeconds", r.wall_seconds},
                                  {"cpuSeconds", r.cpu_seconds},
                                  {"peakMemoryBytes", r.peak_rss_bytes}};
      cur.status["exitCode"] = r.exit_code;
      cur.status["result"] = {{"exitCode", r.exit_code},
                              {"stdout", r.stdout_text},
                              {"stderrTail", r.stderr_tail}};
      // A pyspark session's statement: its interpreter's reply is Livy's output already.
      if (in_pyspark && (r.exit_code == 0 || r.exit_code == 1)) {
        auto reply = nlohmann::json::parse(r.stdout_text, nullptr, false);
        if (reply.is_object() && reply.contains("status")) {
          reply.erase("interrupted");
          cur.status["result"].erase("stdout");
          cur.status["result"]["reply"] = std::move(reply);
        }
      }
      result = r.exit_code == 0 ? "ok" : "error";
      return true;
    });
    if (st.is_ok()) {
      if (st->status.value("deleteRequested", false)) (void)s_.resources.erase(*st);
      const bool state_lost =
          e.how == TaskEnd::How::kLost ||
          (e.how == TaskEnd::How::kReported && !e.cancelled &&
           e.report.exit_code == cluster::protocol::kExitStateLost);
      if (state_lost) session_lost(session_of(*st), e.how == TaskEnd::How::kLost
                                                        ? e.why
                                                        : e.report.stderr_tail.empty()
                                                              ? std::string("interpreter lost")
                                                              : e.report.stderr_tail.back());
      s_.reconcile("Session", session_of(*st));
    }
    return result.empty() ? "lost" : result;
  }

  Status log(const TaskKey& key, const std::vector<std::string>& lines) override {
    EDDY_RETURN_IF_ERROR(s_.resources.append_log("Statement", key.name, lines));
    size_t cut = key.name.rfind("-s");
    if (cut != std::string::npos)
      (void)s_.resources.append_log("Session", key.name.substr(0, cut), lines);
    return Status::ok();
  }

 private:
  // With options.confine: 403 for a view path or an INSERT OVERWRITE DIRECTORY outside the
  // allowed paths and buckets.
  Status check_confinement(const nlohmann::json& spec) const {
    if (!s_.options.confine || spec.value("kind", "") != "sql") return Status::ok();
    const cluster::Confinement& c = *s_.options.confine;
    const std::string code = spec.value("code", "");
    if (auto view = sql::parse_view_definition(code))
      return c.allows(view->path).with_context("CREATE TEMPORARY VIEW " + view->name);
    if (auto insert = sql::parse_insert_directory(code))
      return c.allows(insert->path).with_context("INSERT OVERWRITE DIRECTORY");
    return Status::ok();
  }

  controlplane::TaskScheduler::Queued queued(const Resource& st, int64_t attempt) {
    std::string cluster = s_.options.default_cluster;
    bool sticky = false;
    std::string worker;
    if (auto sess = s_.resources.get("Session", session_of(st)); sess.is_ok()) {
      cluster = controlplane::cluster_of(*sess, s_.options.default_cluster);
      sticky = is_pyspark(*sess);  // its statements go where its interpreter is
      worker = sess->status.value("interpreterWorker", "");
    }
    return {TaskKey{"Statement", st.name}, cluster, session_of(st), attempt, sticky, worker};
  }

  // A pyspark session whose interpreter died: its state is gone, as a Livy session's whose
  // driver died (dead); its later statements are refused.
  void session_lost(const std::string& session, const std::string& why) {
    (void)s_.resources.mutate("Session", session, [&](Resource& cur) {
      if (!is_pyspark(cur) || resources::is_ended(resources::state_of(
                                  cur, resources::SessionState::kStarting)))
        return false;
      resources::set_state(cur, resources::SessionState::kDead);
      cur.status["reason"] = why;
      return true;
    });
  }

  void queue(const Resource& st, int64_t attempt) { s_.tasks.enqueue(queued(st, attempt)); }

  void define_view(const Resource& st, const sql::ViewDefinition& view) {
    const Micros now = s_.clock.now();
    auto sess = s_.resources.mutate("Session", session_of(st), [&](Resource& cur) {
      cur.status["tables"][view.name] = {{"path", view.path}, {"format", view.format}};
      return true;
    });
    (void)s_.resources.mutate("Statement", st.name, [&](Resource& cur) {
      if (!sess.is_ok()) {
        resources::set_state(cur, StatementState::kAvailable);
        cur.status["result"] = {{"lost", sess.status().message()}};
        return true;
      }
      resources::set_state(cur, StatementState::kAvailable);
      cur.status["progress"] = 1.0;
      cur.status["started"] = to_ms(now);
      cur.status["completed"] = to_ms(now);
      cur.status["result"] = {{"exitCode", 0}, {"viewDefined", view.name}};
      return true;
    });
  }

  Services& s_;
};

[[maybe_unused]] const bool registered = controlplane::register_controller(
    "Statement", [](Services& s) { return std::make_unique<StatementController>(s); });

}  // namespace
}  // namespace eddy::kinds
