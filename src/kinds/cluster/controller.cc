// The Cluster controller: keeps spec.workers workers alive through the worker fleet, walks
// EMR's states, terminates idle clusters, replaces dead workers (the scheduler retries their
// tasks per spec.maxTaskAttempts), creates the default cluster and restarts a terminated one
// when work arrives, and keeps the accounting.
//
// Locking: mu_ serializes every write of a Cluster resource (reconcile, cancel, deletion, spec
// changes), so none of them can undo another; it is held across store and backend calls, and
// is never taken on the heartbeat or lease path (those only record activity under signal_mu_).
#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "common/byte_size.h"
#include "common/log.h"
#include "common/time_format.h"
#include "controlplane/cluster_ref.h"
#include "controlplane/kind_controller.h"
#include "controlplane/resource_service.h"
#include "controlplane/task_scheduler.h"
#include "controlplane/worker_fleet.h"
#include "kinds/cluster/cluster_status.h"
#include "resources/kind_registry.h"
#include "resources/states.h"

namespace eddy::kinds {
namespace {

using controlplane::Services;
using controlplane::to_ms;
using controlplane::TaskEnd;
using controlplane::TaskScheduler;
using controlplane::WorkerPhase;
using resources::ClusterState;
using resources::Resource;

constexpr Micros kPeriodicSave = 5'000'000;  // heartbeat-driven fields are saved this often

bool terminal(const Resource& c) {
  return resources::is_terminal(resources::state_of(c, ClusterState::kStarting));
}

class ClusterController : public controlplane::KindController {
 public:
  explicit ClusterController(Services& s) : s_(s) {
    s_.tasks.set_cluster_signal([this](const std::string& c, TaskScheduler::ClusterSignal what) {
      signal(c, what);
    });
    s_.tasks.set_max_attempts([this](const std::string& cluster) -> int64_t {
      auto c = s_.resources.get("Cluster", cluster);
      return c.is_ok() ? c->spec.value("maxTaskAttempts", int64_t{2}) : 2;
    });
    s_.tasks.add_end_observer(
        [this](const controlplane::TaskKey&, const TaskEnd& e) { task_ended(e); });
  }

  Status admit(Resource& r) override {
    init_cluster_status(r, s_.clock.now());
    return Status::ok();
  }

  Result<Resource> apply_spec(controlplane::ResourceService& rs, const Resource& current,
                              const Resource& next) override {
    std::lock_guard<std::mutex> l(mu_);
    EDDY_ASSIGN_OR_RETURN(Resource cur, rs.get(current.kind, current.name));
    if (cur.version != current.version)
      return failed_precondition("conflict: Cluster '" + cur.name + "' changed while updating");
    cur.labels = next.labels;
    cur.spec = next.spec;
    // Applying a terminated cluster's manifest again starts it afresh.
    if (terminal(cur)) init_cluster_status(cur, s_.clock.now());
    return rs.update_status(cur);
  }

  Status cancel(const Resource& r) override {
    std::lock_guard<std::mutex> l(mu_);
    EDDY_ASSIGN_OR_RETURN(Resource c, s_.resources.get("Cluster", r.name));
    ClusterState state = resources::state_of(c, ClusterState::kStarting);
    if (state == ClusterState::kTerminating || resources::is_terminal(state)) return Status::ok();
    resources::set_state(c, ClusterState::kTerminating);
    c.status["stateChangeReason"] = {{"code", "USER_REQUEST"},
                                     {"message", "Terminated by user request"}};
    EDDY_RETURN_IF_ERROR(s_.resources.update_status(c).status());
    s_.wake();
    return Status::ok();
  }

  Result<controlplane::Removal> remove(const Resource& r) override {
    std::lock_guard<std::mutex> l(mu_);
    EDDY_ASSIGN_OR_RETURN(Resource c, s_.resources.get("Cluster", r.name));
    c.status["deleteRequested"] = true;
    if (!terminal(c)) {
      resources::set_state(c, ClusterState::kTerminating);
      c.status["stateChangeReason"] = {{"code", "USER_REQUEST"}, {"message", "deleted"}};
    }
    EDDY_RETURN_IF_ERROR(s_.resources.update_status(c).status());
    s_.wake();
    return controlplane::Removal::kLater;  // once its workers are stopped (reconcile)
  }

  Status restore() override {
    EDDY_ASSIGN_OR_RETURN(auto clusters, s_.resources.list("Cluster"));
    int adopted = 0;
    for (const Resource& c : clusters) {
      if (!c.status.contains("workers")) continue;
      for (const auto& w : c.status["workers"]) {
        WorkerPhase phase;
        if (!controlplane::parse_worker_phase(w.value("state", ""), &phase)) continue;
        if (phase != WorkerPhase::kStarting && phase != WorkerPhase::kReady) continue;
        s_.fleet.adopt(c.name, w.value("name", ""), w.value("pid", int64_t{0}), phase,
                       w.value("launchedMs", int64_t{0}) * 1000);
        ++adopted;
      }
    }
    log_line(LogLevel::kInfo, "control plane: restored " + std::to_string(clusters.size()) +
                                  " clusters, " + std::to_string(adopted) + " live workers");
    return Status::ok();
  }

  void pass() override {
    // 1. Dead workers: missed heartbeats, a process that is gone, or never registered.
    for (const auto& dead : s_.fleet.reap()) s_.tasks.worker_died(dead.name, dead.why);
    // 2. Work waiting for a cluster that does not run.
    std::set<std::string> wanted;
    {
      std::lock_guard<std::mutex> l(signal_mu_);
      wanted.swap(demanded_);
    }
    for (const auto& c : wanted) {
      std::lock_guard<std::mutex> l(mu_);
      ensure_locked(c);
    }
  }

  void reconcile(const Resource& r) override {
    std::lock_guard<std::mutex> l(mu_);
    auto c = s_.resources.get("Cluster", r.name);  // fresh: writes happen only under mu_
    if (c.is_ok()) reconcile_locked(*c);
  }

 private:
  // A live pyspark session keeps its cluster: its interpreter's state lives on a worker (as a
  // Livy session's driver keeps an EMR cluster busy). Read only when the idle timeout is due.
  bool holds_interpreters(const std::string& cluster) {
    for (const Resource& se : s_.resources.list("Session").value_or({})) {
      if (se.spec.value("kind", "") != "pyspark") continue;
      if (resources::is_ended(resources::state_of(se, resources::SessionState::kStarting))) continue;
      if (controlplane::cluster_of(se, s_.options.default_cluster) == cluster) return true;
    }
    return false;
  }

  void signal(const std::string& cluster, TaskScheduler::ClusterSignal what) {
    {
      std::lock_guard<std::mutex> l(signal_mu_);
      // Demand for a cluster that runs needs nothing (a store read per submission saved).
      if (what == TaskScheduler::ClusterSignal::kDemand && !live_.count(cluster))
        demanded_.insert(cluster);
      last_activity_[cluster] = s_.clock.now();
    }
    s_.wake();
  }

  void task_ended(const TaskEnd& e) {
    {
      std::lock_guard<std::mutex> l(signal_mu_);
      last_activity_[e.cluster] = s_.clock.now();
      if (e.how == TaskEnd::How::kReported) {
        Accounting& a = unsaved_[e.cluster];
        a.cpu_seconds += e.report.cpu_seconds;
        a.tasks += 1;
        a.peak_bytes = std::max(a.peak_bytes, e.report.peak_rss_bytes);
      }
    }
    // A worker's done report (not the lease path): the cluster's accounting and state now.
    if (e.how == TaskEnd::How::kReported) s_.reconcile("Cluster", e.cluster);
    s_.wake();
  }

  // Work arrived for `name`: create the default cluster, start a terminated one again, or fail
  // the work when the cluster does not exist. mu_ held.
  void ensure_locked(const std::string& name) {
    auto c = s_.resources.get("Cluster", name);
    if (!c.is_ok()) {
      if (c.status().code() != StatusCode::kNotFound) return;  // the store: next pass
      if (name != s_.options.default_cluster) {
        s_.tasks.fail_cluster(name, c.status().message());
        return;
      }
      // The default cluster is created on demand, from the kind's defaults.
      Resource r;
      r.kind = "Cluster";
      r.name = name;
      r.labels["eddy.dev/created-by"] = "on-demand";
      auto created = s_.resources.create(std::move(r));
      if (!created.is_ok() && created.status().code() != StatusCode::kAlreadyExists)
        s_.tasks.fail_cluster(name, created.status().message());
      return;
    }
    Resource cl = *c;
    if (!terminal(cl)) return;
    if (cl.status.value("deleteRequested", false)) {
      s_.tasks.fail_cluster(name, "cluster " + name + " was deleted");
      return;
    }
    init_cluster_status(cl, s_.clock.now());
    cl.status["stateChangeReason"] = {{"code", "USER_REQUEST"}, {"message", "work arrived"}};
    (void)s_.resources.update_status(cl);
    s_.wake();
  }

  Status launch_worker(Resource& c) {
    int64_t n = c.status.value("nextWorker", int64_t{0});
    c.status["nextWorker"] = n + 1;
    const std::string name = c.name + "-w" + std::to_string(n);
    const int cores = static_cast<int>(c.spec.value("coresPerWorker", int64_t{1}));
    const auto memory = static_cast<int64_t>(
        parse_byte_size(c.spec.value("memoryPerWorker", std::string("1GiB"))).value_or(0));
    EDDY_ASSIGN_OR_RETURN(controlplane::WorkerView w, s_.fleet.launch(c.name, name, cores, memory));
    c.status["workers"].push_back({{"name", w.name}, {"pid", w.handle.pid}, {"state", "starting"},
                                   {"launchedMs", to_ms(w.launched)}});
    return Status::ok();
  }

  void stop_workers(Resource& c) {
    const Micros now = s_.clock.now();
    std::vector<std::string> names;
    for (auto& w : c.status["workers"]) {
      const std::string state = w.value("state", "");
      if (state == "starting" || state == "ready") {
        names.push_back(w.value("name", ""));
        w["state"] = "stopped";
        w["endedMs"] = to_ms(now);
      }
    }
    s_.fleet.stop(names, 2000);
    for (const auto& n : names) s_.fleet.forget(n);
  }

  void reconcile_locked(Resource c);

  void set_live(const std::string& cluster, bool live) {
    std::lock_guard<std::mutex> l(signal_mu_);
    if (live)
      live_.insert(cluster);
    else
      live_.erase(cluster);
  }

  struct Accounting {
    double cpu_seconds = 0;
    int64_t tasks = 0;
    int64_t peak_bytes = 0;
  };

  Services& s_;
  std::mutex mu_;  // serializes writes of Cluster resources (see the file comment)
  std::map<std::string, Micros> status_saved_;  // GUARDED_BY(mu_): last periodic save

  std::mutex signal_mu_;  // never held across a call
  std::set<std::string> demanded_;                 // GUARDED_BY(signal_mu_)
  std::set<std::string> live_;                     // GUARDED_BY(signal_mu_): not terminated
  std::map<std::string, Micros> last_activity_;    // GUARDED_BY(signal_mu_)
  std::map<std::string, Accounting> unsaved_;      // GUARDED_BY(signal_mu_)
};

void ClusterController::reconcile_locked(Resource c) {
  const nlohmann::json before = c.status;
  const Micros now = s_.clock.now();
  ClusterState state = resources::state_of(c, ClusterState::kStarting);
  const TaskScheduler::ClusterLoad load = s_.tasks.load(c.name);

  set_live(c.name, !resources::is_terminal(state));
  if (resources::is_terminal(state)) {
    if (c.status.value("deleteRequested", false)) {
      (void)s_.resources.erase(c);
      status_saved_.erase(c.name);
    } else if (load.pending > 0) {
      ensure_locked(c.name);  // work is waiting: start it again
    }
    return;
  }

  // Activity and accounting recorded since the last reconcile.
  Accounting acct;
  Micros activity = 0;
  {
    std::lock_guard<std::mutex> l(signal_mu_);
    if (auto a = unsaved_.find(c.name); a != unsaved_.end()) {
      acct = a->second;
      unsaved_.erase(a);
    }
    if (auto t = last_activity_.find(c.name); t != last_activity_.end()) activity = t->second;
  }
  auto& accounting = c.status["accounting"];
  accounting["cpuSeconds"] = accounting.value("cpuSeconds", 0.0) + acct.cpu_seconds;
  accounting["tasks"] = accounting.value("tasks", int64_t{0}) + acct.tasks;
  if (activity > 0)
    c.status["lastActivityMs"] = std::max(c.status.value("lastActivityMs", int64_t{0}),
                                          to_ms(activity));

  // Workers: sync the fleet's view into status, count the live ones.
  int live = 0;
  int ready = 0;
  double worker_seconds = c.status.value("closedWorkerSeconds", 0.0);
  int64_t peak = std::max(accounting.value("peakMemoryBytes", int64_t{0}), acct.peak_bytes);
  bool any_died = false;
  for (auto& w : c.status["workers"]) {
    const std::string name = w.value("name", "");
    std::string ws = w.value("state", "");
    if (auto view = s_.fleet.find(name)) {
      ws = controlplane::worker_phase_name(view->phase);
      w["lastHeartbeatMs"] = to_ms(view->last_heartbeat);
      w["rssBytes"] = view->rss_bytes;
      w["cpuSeconds"] = view->cpu_seconds;
      w["pid"] = view->handle.pid;
      auto task = s_.tasks.task_of(name);
      w["task"] = task ? task->kind + "/" + task->name : "";
      peak = std::max(peak, view->rss_bytes);
      if (view->phase == WorkerPhase::kDead) {
        s_.fleet.forget(name);
        any_died = true;
      }
    } else if (ws == "starting" || ws == "ready") {
      ws = "dead";  // not known to this process and never re-attached
      any_died = true;
    }
    if (ws == "dead" && !w.contains("endedMs")) w["endedMs"] = to_ms(now);
    w["state"] = ws;
    if (ws == "starting" || ws == "ready") ++live;
    if (ws == "ready") ++ready;
    int64_t end = w.contains("endedMs") ? w["endedMs"].get<int64_t>() : to_ms(now);
    worker_seconds += static_cast<double>(end - w.value("launchedMs", end)) / 1000.0;
  }
  // Forget workers that ended long ago (keep the last few for describe).
  auto& ws_list = c.status["workers"];
  while (ws_list.size() > 16 && ws_list[0].value("state", "") != "starting" &&
         ws_list[0].value("state", "") != "ready")
    ws_list.erase(0);
  if (any_died) c.status["replacedWorkers"] = c.status.value("replacedWorkers", int64_t{0}) + 1;
  accounting["workerSeconds"] = worker_seconds;
  accounting["peakMemoryBytes"] = peak;

  const int want = static_cast<int>(c.spec.value("workers", int64_t{2}));
  const bool running_tasks = load.running > 0;

  if (state != ClusterState::kTerminating &&
      c.status.value("replacedWorkers", int64_t{0}) > 3 * want) {
    state = ClusterState::kTerminating;
    c.status["stateChangeReason"] = {{"code", "INSTANCE_FAILURE"},
                                     {"message", "workers keep failing"}};
    c.status["failed"] = true;
  }
  if (state != ClusterState::kTerminating) {
    for (int i = live; i < want; ++i) {
      Status s = launch_worker(c);
      if (!s.is_ok()) {
        state = ClusterState::kTerminating;
        c.status["stateChangeReason"] = {{"code", "INTERNAL_ERROR"},
                                         {"message", "cannot start a worker: " + s.message()}};
        c.status["failed"] = true;
        break;
      }
    }
  }
  if (state != ClusterState::kTerminating) {
    if (ready == 0) {
      state = state == ClusterState::kStarting ? ClusterState::kStarting
                                               : ClusterState::kBootstrapping;
    } else if (ready < want &&
               (state == ClusterState::kStarting || state == ClusterState::kBootstrapping)) {
      state = ClusterState::kBootstrapping;
    } else {
      if (!c.status["timeline"].contains("readyDateTime"))
        c.status["timeline"]["readyDateTime"] = to_ms(now);
      state = running_tasks ? ClusterState::kRunning : ClusterState::kWaiting;
    }
    // Idle timeout: nothing pending or running for idleTimeout.
    Micros idle = parse_duration(c.spec.value("idleTimeout", std::string("10m"))).value_or(0);
    int64_t last = c.status.value("lastActivityMs", to_ms(now));
    const bool idle_due = c.spec.value("autoTerminate", true) && idle > 0 &&
                          to_ms(now) - last >= to_ms(idle) && state == ClusterState::kWaiting;
    if (running_tasks || load.pending > 0 || (idle_due && holds_interpreters(c.name))) {
      c.status["lastActivityMs"] = to_ms(now);
    } else if (idle_due) {
      state = ClusterState::kTerminating;
      c.status["stateChangeReason"] = {
          {"code", "ALL_STEPS_COMPLETED"},
          {"message", "idle for " + format_duration(idle) + " (spec.idleTimeout)"}};
    }
  }
  if (state == ClusterState::kTerminating) {
    resources::set_state(c, state);
    (void)s_.resources.update_status(c);  // TERMINATING is visible before the (blocking) stops
    stop_workers(c);
    s_.tasks.fail_cluster(c.name, "cluster " + c.name + " terminated");
    state = c.status.value("failed", false) ? ClusterState::kTerminatedWithErrors
                                            : ClusterState::kTerminated;
    c.status["timeline"]["endDateTime"] = to_ms(s_.clock.now());
    c.status["readyWorkers"] = 0;
    c.status.erase("failed");
  } else {
    c.status["readyWorkers"] = ready;
  }
  resources::set_state(c, state);

  // Save when something a client waits for changed; heartbeat-driven fields every few seconds.
  auto material = [](nlohmann::json s) {
    s.erase("accounting");
    for (auto& w : s["workers"]) {
      w.erase("lastHeartbeatMs");
      w.erase("rssBytes");
      w.erase("cpuSeconds");
    }
    s.erase("lastActivityMs");
    return s;
  };
  Micros& saved = status_saved_[c.name];
  const bool changed = material(before) != material(c.status);
  if (changed || acct.tasks > 0 || now - saved >= kPeriodicSave) {
    saved = now;
    auto stored = s_.resources.update_status(c);
    if (!stored.is_ok()) {
      // Keep the accounting for the next attempt.
      std::lock_guard<std::mutex> l(signal_mu_);
      Accounting& a = unsaved_[c.name];
      a.cpu_seconds += acct.cpu_seconds;
      a.tasks += acct.tasks;
      a.peak_bytes = std::max(a.peak_bytes, acct.peak_bytes);
    }
    // Sessions on this cluster may become idle (or error) now.
    if (material(before)["state"] != c.status["state"]) s_.wake();
  }
  set_live(c.name, !resources::is_terminal(state));
  if (resources::is_terminal(state) && c.status.value("deleteRequested", false)) {
    (void)s_.resources.erase(c);
    status_saved_.erase(c.name);
  }
}

[[maybe_unused]] const bool registered = controlplane::register_controller(
    "Cluster", [](Services& s) { return std::make_unique<ClusterController>(s); },
    /*pass_order=*/0);

}  // namespace
}  // namespace eddy::kinds
