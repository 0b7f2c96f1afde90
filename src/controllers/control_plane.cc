// ControlPlane: resources, watch, the reconcile thread and restart recovery. The worker routes
// are in worker_protocol.cc, cluster reconcile in cluster_controller.cc, tasks in
// task_dispatch.cc.
#include "controllers/control_plane.h"

#include <algorithm>
#include <sstream>

#include "common/log.h"
#include "controllers/control_plane_impl.h"
#include "resources/kind_registry.h"

namespace eddy::controllers {

using resources::Resource;

void init_cluster_status(Resource& c, Micros now) {
  nlohmann::json accounting = c.status.value("accounting", nlohmann::json::object());
  int64_t next_worker = c.status.value("nextWorker", int64_t{0});
  c.status = nlohmann::json::object();
  c.status["state"] = "STARTING";
  c.status["timeline"] = {{"creationDateTime", to_ms(now)}};
  c.status["workers"] = nlohmann::json::array();
  c.status["readyWorkers"] = 0;
  c.status["nextWorker"] = next_worker;  // worker names are never reused within a cluster
  // Accounting is the cluster's lifetime cost: it survives restarts.
  c.status["accounting"] = {{"workerSeconds", accounting.value("workerSeconds", 0.0)},
                            {"cpuSeconds", accounting.value("cpuSeconds", 0.0)},
                            {"peakMemoryBytes", accounting.value("peakMemoryBytes", int64_t{0})},
                            {"tasks", accounting.value("tasks", int64_t{0})}};
  c.status["closedWorkerSeconds"] = accounting.value("workerSeconds", 0.0);
  c.status["lastActivityMs"] = to_ms(now);
}

namespace {

bool is_task_kind(const std::string& kind) { return kind == "Batch" || kind == "Statement"; }

}  // namespace

ControlPlane::ControlPlane(std::unique_ptr<store::ResourceStore> store,
                           std::unique_ptr<cluster::WorkerBackend> backend,
                           ControlPlaneOptions options, Clock* clock)
    : store_(std::move(store)),
      backend_(std::move(backend)),
      options_(std::move(options)),
      clock_(clock),
      impl_(std::make_unique<Impl>()) {
  for (auto& [kind, factory] : registered_controllers())
    kind_controllers_.emplace_back(kind, factory());
}

ControlPlane::~ControlPlane() { stop(); }

Status ControlPlane::start() {
  EDDY_RETURN_IF_ERROR(restore_from_store());
  if (options_.background_reconcile) impl_->reconciler = std::thread([this] { reconcile_loop(); });
  return Status::ok();
}

void ControlPlane::reconcile_now() {
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    reconcile_clusters();
  }
  reconcile_kind_controllers();
}

void ControlPlane::reconcile_kind_controllers() {
  for (auto& [kind, controller] : kind_controllers_) {
    auto items = store_->list(kind);
    if (!items.is_ok()) {
      log_line(LogLevel::kWarn, "reconcile " + kind + ": " + items.status().message());
      continue;
    }
    for (const Resource& r : *items) controller->reconcile(*this, r);
  }
}

Result<Resource> ControlPlane::update_status(const Resource& r) { return save(r); }

void ControlPlane::stop() {
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    impl_->stopping = true;
  }
  impl_->wake_cv.notify_all();
  impl_->work_cv.notify_all();
  if (impl_->reconciler.joinable()) impl_->reconciler.join();
}

void ControlPlane::shutdown_workers() {
  std::lock_guard<std::mutex> l(impl_->mu);
  for (auto& [name, w] : impl_->workers) {
    if (w.state == "stopped" || w.state == "dead") continue;
    Status s = backend_->stop(w.handle, 2000);
    if (!s.is_ok()) log_line(LogLevel::kWarn, "stopping worker " + name + ": " + s.message());
    w.state = "stopped";
  }
}

void ControlPlane::wake() {
  // Callers may or may not hold mu; the flag is read under mu by the loop.
  impl_->wake = true;
  impl_->wake_cv.notify_all();
}

void ControlPlane::reconcile_loop() {
  std::unique_lock<std::mutex> l(impl_->mu);
  while (!impl_->stopping) {
    reconcile_clusters();
    if (!kind_controllers_.empty()) {  // they call the public API, which takes mu itself
      l.unlock();
      reconcile_kind_controllers();
      l.lock();
    }
    impl_->wake_cv.wait_for(l, std::chrono::microseconds(options_.reconcile_interval),
                            [&] { return impl_->wake || impl_->stopping; });
    impl_->wake = false;
  }
}

void ControlPlane::publish(const std::string& type, const Resource& r) {
  ResourceEvent ev{type, r};
  std::lock_guard<std::mutex> l(impl_->subs_mu);
  for (auto& [token, sub] : impl_->subs)
    if (sub.kind.empty() || sub.kind == r.kind) sub.fn(ev);
}

Result<Resource> ControlPlane::save(const Resource& r) {
  Resource copy = r;
  copy.version = 0;  // the controllers own status: last writer wins
  EDDY_ASSIGN_OR_RETURN(Resource stored, store_->update(copy));
  publish("MODIFIED", stored);
  return stored;
}

int64_t ControlPlane::subscribe(const std::string& kind,
                                std::function<void(const ResourceEvent&)> fn) {
  std::lock_guard<std::mutex> l(impl_->subs_mu);
  int64_t token = impl_->next_sub++;
  impl_->subs[token] = Impl::Sub{kind, std::move(fn)};
  return token;
}

void ControlPlane::unsubscribe(int64_t token) {
  std::lock_guard<std::mutex> l(impl_->subs_mu);
  impl_->subs.erase(token);
}

Result<Resource> ControlPlane::create(Resource r) {
  const resources::KindInfo* info = resources::find_kind(r.kind);
  if (info == nullptr) {
    std::string known;
    for (const auto* k : resources::all_kinds()) known += (known.empty() ? "" : ", ") + k->kind;
    return invalid_argument("kind: unknown kind '" + r.kind + "' (known: " + known + ")");
  }
  r.kind = info->kind;
  if (!r.name.empty()) EDDY_RETURN_IF_ERROR(resources::validate_name(r.name, "metadata.name"));
  EDDY_RETURN_IF_ERROR(info->validate_spec(r.spec));
  EDDY_RETURN_IF_ERROR(check_confinement(r.kind, r.spec));
  r.status = nlohmann::json::object();
  Micros now = clock_->now();
  std::lock_guard<std::mutex> l(impl_->mu);
  if (r.kind == "Cluster") {
    init_cluster_status(r, now);
  } else if (r.kind == "Session") {
    std::string cluster = cluster_for(r);
    if (cluster != options_.default_cluster) {
      auto c = store_->get("Cluster", cluster);
      if (!c.is_ok()) return not_found("spec.cluster: cluster '" + cluster + "' not found");
    }
    r.status["state"] = "starting";
    r.status["nextStatementId"] = 0;
    r.status["tables"] = nlohmann::json::object();
  } else if (r.kind == "Batch") {
    std::string cluster = cluster_for(r);
    if (cluster != options_.default_cluster) {
      auto c = store_->get("Cluster", cluster);
      if (!c.is_ok()) return not_found("spec.cluster: cluster '" + cluster + "' not found");
    }
    r.status["state"] = "starting";
    r.status["attempt"] = 0;
  } else if (r.kind == "Statement") {
    r.status["state"] = "waiting";
    r.status["attempt"] = 0;
  }
  EDDY_ASSIGN_OR_RETURN(Resource stored, store_->create(std::move(r)));
  impl_->created_total[stored.kind]++;
  publish("ADDED", stored);
  if (is_task_kind(stored.kind)) enqueue(stored);
  if (stored.kind == "Session") {  // on a ready cluster a session is idle at once
    refresh_session_state(stored.name);
    if (auto s = store_->get("Session", stored.name); s.is_ok()) stored = *s;
  }
  wake();
  return stored;
}

Result<Resource> ControlPlane::get(const std::string& kind, const std::string& name) {
  return store_->get(kind, name);
}

Result<Resource> ControlPlane::get_by_id(const std::string& kind, int64_t id) {
  return store_->get_by_id(kind, id);
}

Result<std::vector<Resource>> ControlPlane::list(const std::string& kind,
                                                 const resources::LabelSelector& sel) {
  return store_->list(kind, sel);
}

Result<Resource> ControlPlane::update_spec(const Resource& r) {
  const resources::KindInfo* info = resources::find_kind(r.kind);
  if (info == nullptr) return invalid_argument("kind: unknown kind '" + r.kind + "'");
  Resource next = r;
  next.kind = info->kind;
  EDDY_RETURN_IF_ERROR(info->validate_spec(next.spec));
  std::lock_guard<std::mutex> l(impl_->mu);
  EDDY_ASSIGN_OR_RETURN(Resource cur, store_->get(next.kind, next.name));
  if (next.version != 0 && next.version != cur.version)
    return failed_precondition("conflict: " + next.kind + " '" + next.name + "' is at version " +
                               std::to_string(cur.version) + ", not " +
                               std::to_string(next.version));
  if (next.kind != "Cluster" && cur.spec != next.spec)
    return failed_precondition(next.kind + " '" + next.name +
                               "': spec cannot change after creation (only labels can)");
  cur.labels = next.labels;
  bool restart = false;
  if (cur.kind == "Cluster") {
    cur.spec = next.spec;
    std::string state = cur.status.value("state", "");
    // Applying a terminated cluster's manifest again starts it afresh.
    restart = state == "TERMINATED" || state == "TERMINATED_WITH_ERRORS";
    if (restart) init_cluster_status(cur, clock_->now());
  }
  cur.version = 0;
  EDDY_ASSIGN_OR_RETURN(Resource stored, store_->update(cur));
  publish("MODIFIED", stored);
  wake();
  return stored;
}

Status ControlPlane::cancel(const std::string& kind, const std::string& name) {
  std::lock_guard<std::mutex> l(impl_->mu);
  EDDY_ASSIGN_OR_RETURN(Resource r, store_->get(kind, name));
  Micros now = clock_->now();
  if (kind == "Cluster") {
    std::string state = r.status.value("state", "");
    if (state == "TERMINATING" || state == "TERMINATED" || state == "TERMINATED_WITH_ERRORS")
      return Status::ok();
    r.status["state"] = "TERMINATING";
    r.status["stateChangeReason"] = {{"code", "USER_REQUEST"},
                                     {"message", "Terminated by user request"}};
    EDDY_RETURN_IF_ERROR(save(r).status());
    wake();
    return Status::ok();
  }
  if (kind == "Session") {
    for (auto& st : store_->list("Statement").value_or({})) {
      if (st.spec.value("session", "") != name) continue;
      std::string s = st.status.value("state", "");
      if (s == "waiting" || s == "running") {
        // Unlocking is not needed: cancel of a statement below re-enters only store calls.
        TaskRef ref{"Statement", st.name};
        if (impl_->running.count(ref)) {
          impl_->cancelling.insert(ref);
          st.status["state"] = "cancelling";
        } else {
          st.status["state"] = "cancelled";
          st.status["completed"] = to_ms(now);
          for (auto& [c, q] : impl_->pending) std::erase(q, ref);
        }
        (void)save(st);
      }
    }
    r.status["state"] = "killed";
    EDDY_RETURN_IF_ERROR(save(r).status());
    impl_->work_cv.notify_all();
    return Status::ok();
  }
  if (!is_task_kind(kind)) return invalid_argument(kind + " cannot be cancelled");
  std::string s = r.status.value("state", "");
  TaskRef ref{kind, name};
  if (impl_->running.count(ref)) {
    impl_->cancelling.insert(ref);
    r.status["state"] = kind == "Batch" ? "shutting_down" : "cancelling";
  } else if (s == "waiting" || s == "starting") {
    for (auto& [c, q] : impl_->pending) std::erase(q, ref);
    r.status["state"] = kind == "Batch" ? "killed" : "cancelled";
    r.status["completed"] = to_ms(now);
  } else {
    return Status::ok();  // already finished: Livy answers "canceled" regardless
  }
  EDDY_RETURN_IF_ERROR(save(r).status());
  impl_->work_cv.notify_all();
  return Status::ok();
}

Result<Resource> ControlPlane::remove(const std::string& kind, const std::string& name) {
  EDDY_ASSIGN_OR_RETURN(Resource r, get(kind, name));
  // Children first: only a kind with a KindController creates them (of any kind), so other
  // deletions (Livy's, every DELETE of a core kind) skip the search.
  const bool may_own = std::any_of(kind_controllers_.begin(), kind_controllers_.end(),
                                   [&](const auto& kc) { return kc.first == r.kind; });
  resources::LabelSelector owned;
  owned.terms.push_back(
      {kOwnerLabel, resources::LabelSelector::Term::Op::kEquals, owner_label_value(r)});
  const auto kinds = may_own ? resources::all_kinds() : std::vector<const resources::KindInfo*>{};
  for (const auto* info : kinds) {
    for (const Resource& child : store_->list(info->kind, owned).value_or({})) {
      auto removed = remove(child.kind, child.name);
      if (!removed.is_ok() && removed.status().code() != StatusCode::kNotFound)
        return removed.status().with_context("deleting " + child.kind + " " + child.name);
    }
  }
  if (kind == "Cluster") {
    std::lock_guard<std::mutex> l(impl_->mu);
    r.status["deleteRequested"] = true;
    std::string state = r.status.value("state", "");
    if (state != "TERMINATED" && state != "TERMINATED_WITH_ERRORS") {
      r.status["state"] = "TERMINATING";
      r.status["stateChangeReason"] = {{"code", "USER_REQUEST"}, {"message", "deleted"}};
    }
    EDDY_ASSIGN_OR_RETURN(r, save(r));
    wake();
    return r;
  }
  if (kind == "Session" || is_task_kind(kind)) {
    EDDY_RETURN_IF_ERROR(cancel(kind, name));
  }
  std::lock_guard<std::mutex> l(impl_->mu);
  if (kind == "Session") {
    for (auto& st : store_->list("Statement").value_or({})) {
      if (st.spec.value("session", "") != name) continue;
      if (impl_->running.count(TaskRef{"Statement", st.name})) continue;  // removed when done
      if (store_->remove("Statement", st.name).is_ok()) publish("DELETED", st);
    }
  }
  TaskRef ref{kind, name};
  if (!impl_->running.count(ref)) {
    EDDY_RETURN_IF_ERROR(store_->remove(kind, name));
    publish("DELETED", r);
  } else {
    // Removed by complete_task() once the worker confirms the kill.
    r.status["deleteRequested"] = true;
    (void)save(r);
  }
  return r;
}

Result<Resource> ControlPlane::add_statement(const std::string& session, const std::string& code,
                                             const std::string& kind) {
  Resource st;
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    EDDY_ASSIGN_OR_RETURN(Resource s, store_->get("Session", session));
    // Before the statement number is taken: a refused statement leaves no gap.
    EDDY_RETURN_IF_ERROR(check_confinement(
        "Statement", {{"code", code}, {"kind", kind.empty() ? s.spec.value("kind", "eddy") : kind}}));
    std::string state = s.status.value("state", "");
    if (state == "dead" || state == "killed" || state == "error" || state == "shutting_down" ||
        state == "success")
      return failed_precondition("Session '" + std::to_string(s.id) + "' is " + state +
                                 ": statements cannot be run");
    int64_t n = s.status.value("nextStatementId", int64_t{0});
    s.status["nextStatementId"] = n + 1;
    EDDY_RETURN_IF_ERROR(save(s).status());
    st.kind = "Statement";
    st.name = session + "-s" + std::to_string(n);
    st.labels["eddy.dev/session"] = session;
    st.spec = {{"session", session},
               {"id", n},
               {"code", code},
               {"kind", kind.empty() ? s.spec.value("kind", "eddy") : kind}};
  }
  return create(std::move(st));
}

Result<std::vector<Resource>> ControlPlane::statements(const std::string& session) {
  resources::LabelSelector sel;
  sel.terms.push_back({"eddy.dev/session", resources::LabelSelector::Term::Op::kEquals, session});
  return store_->list("Statement", sel);
}

Status ControlPlane::restore_from_store() {
  std::lock_guard<std::mutex> l(impl_->mu);
  Micros now = clock_->now();
  EDDY_ASSIGN_OR_RETURN(auto clusters, store_->list("Cluster"));
  for (const Resource& c : clusters) {
    if (!c.status.contains("workers")) continue;
    for (const auto& w : c.status["workers"]) {
      std::string state = w.value("state", "");
      if (state != "starting" && state != "ready") continue;
      WorkerState ws;
      ws.cluster = c.name;
      ws.name = w.value("name", "");
      ws.handle.backend = backend_->name();
      ws.handle.pid = w.value("pid", int64_t{0});
      ws.state = state;
      ws.launched = w.value("launchedMs", int64_t{0}) * 1000;
      ws.last_heartbeat = now;  // a grace period: re-attach by the next heartbeat
      impl_->workers[ws.name] = ws;
    }
  }
  for (const char* kind : {"Batch", "Statement"}) {
    EDDY_ASSIGN_OR_RETURN(auto tasks, store_->list(kind));
    for (const Resource& t : tasks) {
      std::string s = t.status.value("state", "");
      if (s == "starting" || s == "waiting") {
        enqueue(t);
      } else if (s == "running" || s == "cancelling" || s == "shutting_down") {
        RunningTask rt;
        rt.cluster = cluster_for(t);
        rt.worker = t.status.value("worker", "");
        rt.attempt = t.status.value("attempt", int64_t{0});
        rt.started = t.status.value("started", int64_t{0}) * 1000;
        impl_->running[TaskRef{kind, t.name}] = rt;
        if (s != "running") impl_->cancelling.insert(TaskRef{kind, t.name});
        auto it = impl_->workers.find(rt.worker);
        if (it != impl_->workers.end()) {
          it->second.has_task = true;
          it->second.task = TaskRef{kind, t.name};
          it->second.attempt = rt.attempt;
        }
      }
    }
  }
  log_line(LogLevel::kInfo, "control plane: restored " + std::to_string(clusters.size()) +
                                " clusters, " + std::to_string(impl_->workers.size()) +
                                " live workers, " + std::to_string(impl_->running.size()) +
                                " running tasks");
  return Status::ok();
}

std::string ControlPlane::metrics_text() {
  std::ostringstream o;
  std::lock_guard<std::mutex> l(impl_->mu);
  o << "# HELP eddy_resources_created_total Resources created since the server started.\n"
       "# TYPE eddy_resources_created_total counter\n";
  for (const auto& [kind, n] : impl_->created_total)
    o << "eddy_resources_created_total{kind=\"" << kind << "\"} " << n << "\n";
  o << "# HELP eddy_tasks_finished_total Batches and statements finished, by result.\n"
       "# TYPE eddy_tasks_finished_total counter\n";
  for (const auto& [key, n] : impl_->tasks_finished_total) {
    size_t comma = key.find(',');
    o << "eddy_tasks_finished_total{kind=\"" << key.substr(0, comma) << "\",result=\""
      << key.substr(comma + 1) << "\"} " << n << "\n";
  }
  std::map<std::string, int64_t> by_state;
  for (const auto& [name, w] : impl_->workers) by_state[w.state]++;
  o << "# HELP eddy_workers Workers known to the server, by state.\n# TYPE eddy_workers gauge\n";
  for (const char* s : {"starting", "ready", "dead", "stopped"})
    o << "eddy_workers{state=\"" << s << "\"} " << by_state[s] << "\n";
  int64_t pending = 0;
  for (const auto& [c, q] : impl_->pending) pending += static_cast<int64_t>(q.size());
  o << "# HELP eddy_tasks_pending Tasks waiting for a worker.\n# TYPE eddy_tasks_pending gauge\n"
    << "eddy_tasks_pending " << pending << "\n";
  o << "# HELP eddy_tasks_running Tasks running on workers.\n# TYPE eddy_tasks_running gauge\n"
    << "eddy_tasks_running " << impl_->running.size() << "\n";
  return o.str();
}

}  // namespace eddy::controllers
