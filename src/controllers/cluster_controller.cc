// The Cluster controller: keeps spec.workers workers alive, walks EMR's states, terminates
// idle clusters, replaces dead workers (retrying their tasks per spec.maxTaskAttempts) and
// keeps the accounting. Runs on the reconcile thread with impl_->mu held.
#include <algorithm>

#include "common/byte_size.h"
#include "common/log.h"
#include "common/time_format.h"
#include "controllers/control_plane.h"
#include "controllers/control_plane_impl.h"
#include "resources/kind_registry.h"

namespace eddy::controllers {

using resources::Resource;

namespace {

bool terminal(const std::string& state) {
  return state == "TERMINATED" || state == "TERMINATED_WITH_ERRORS";
}

constexpr Micros kRegisterGrace = 30'000'000;  // a launched worker must register within this
constexpr Micros kPeriodicSave = 5'000'000;    // heartbeat-driven fields are saved this often

}  // namespace

Result<Resource> ControlPlane::ensure_cluster(const std::string& name) {
  auto c = store_->get("Cluster", name);
  if (!c.is_ok()) {
    if (c.status().code() != StatusCode::kNotFound || name != options_.default_cluster)
      return c.status();
    // The default cluster is created on demand, from the kind's defaults.
    Resource r;
    r.kind = "Cluster";
    r.name = name;
    r.labels["eddy.dev/created-by"] = "on-demand";
    EDDY_RETURN_IF_ERROR(resources::find_kind("Cluster")->validate_spec(r.spec));
    init_cluster_status(r, clock_->now());
    EDDY_ASSIGN_OR_RETURN(Resource stored, store_->create(std::move(r)));
    impl_->created_total["Cluster"]++;
    publish("ADDED", stored);
    wake();
    return stored;
  }
  Resource cl = *c;
  if (terminal(cl.status.value("state", "")) && !cl.status.value("deleteRequested", false)) {
    // Work arrived for a stopped cluster: start it again.
    init_cluster_status(cl, clock_->now());
    cl.status["stateChangeReason"] = {{"code", "USER_REQUEST"}, {"message", "work arrived"}};
    EDDY_ASSIGN_OR_RETURN(cl, save(cl));
    wake();
  }
  return cl;
}

Status ControlPlane::launch_worker(Resource& c, int /*index*/) {
  int64_t n = c.status.value("nextWorker", int64_t{0});
  c.status["nextWorker"] = n + 1;
  cluster::WorkerLaunch l;
  l.cluster = c.name;
  l.worker = c.name + "-w" + std::to_string(n);
  l.server_url = options_.server_url;
  l.token = options_.worker_token;
  l.eddy_binary = options_.eddy_binary;
  l.work_dir = options_.data_dir + "/work/" + l.worker;
  l.cores = static_cast<int>(c.spec.value("coresPerWorker", int64_t{1}));
  l.memory_bytes = static_cast<int64_t>(
      parse_byte_size(c.spec.value("memoryPerWorker", std::string("1GiB"))).value_or(0));
  EDDY_ASSIGN_OR_RETURN(cluster::WorkerHandle h, backend_->launch(l));
  Micros now = clock_->now();
  WorkerState w;
  w.cluster = c.name;
  w.name = l.worker;
  w.handle = h;
  w.state = "starting";
  w.launched = now;
  w.last_heartbeat = now;
  impl_->workers[w.name] = w;
  c.status["workers"].push_back({{"name", w.name}, {"pid", h.pid}, {"state", "starting"},
                                 {"launchedMs", to_ms(now)}});
  return Status::ok();
}

void ControlPlane::stop_cluster_workers(Resource& c) {
  Micros now = clock_->now();
  for (auto& w : c.status["workers"]) {
    std::string name = w.value("name", "");
    auto it = impl_->workers.find(name);
    if (w.value("state", "") == "starting" || w.value("state", "") == "ready") {
      cluster::WorkerHandle h{backend_->name(), w.value("pid", int64_t{0})};
      if (it != impl_->workers.end()) h = it->second.handle;
      Status s = backend_->stop(h, 2000);
      if (!s.is_ok()) log_line(LogLevel::kWarn, "stopping worker " + name + ": " + s.message());
      w["state"] = "stopped";
      w["endedMs"] = to_ms(now);
    }
    if (it != impl_->workers.end()) impl_->workers.erase(it);
  }
}

void ControlPlane::refresh_cluster_state(const std::string& cluster) {
  auto c = store_->get("Cluster", cluster);
  if (c.is_ok()) reconcile_cluster(*c);
}

void ControlPlane::reconcile_clusters() {
  Micros now = clock_->now();
  Micros dead_after = options_.heartbeat_interval * options_.missed_heartbeats;
  // 1. Dead workers: missed heartbeats, a process that is gone, or never registered.
  for (auto& [name, w] : impl_->workers) {
    if (w.state != "starting" && w.state != "ready") continue;
    Micros limit = w.state == "starting" ? std::max(dead_after, kRegisterGrace) : dead_after;
    bool gone = !backend_->alive(w.handle);
    if (!gone && now - w.last_heartbeat <= limit) continue;
    std::string why = "worker " + name + (gone ? " exited" : " missed its heartbeats");
    log_line(LogLevel::kWarn, "cluster " + w.cluster + ": " + why);
    (void)backend_->stop(w.handle, 0);  // make sure: a hung worker must not come back
    w.state = "dead";
    if (w.has_task) {
      w.has_task = false;
      retry_or_fail(w.task.kind, w.task.name, why);
    }
  }
  // 2. Sessions waiting for their cluster (which may have to be created first).
  for (const Resource& s : store_->list("Session").value_or({}))
    if (s.status.value("state", "") == "starting") (void)ensure_cluster(cluster_for(s));
  // 3. Every cluster; sessions follow their cluster's state changes.
  auto clusters = store_->list("Cluster");
  if (!clusters.is_ok()) {
    log_line(LogLevel::kWarn, "reconcile: " + clusters.status().message());
    return;
  }
  for (Resource& c : *clusters) reconcile_cluster(c);
  for (const Resource& s : store_->list("Session").value_or({}))
    if (s.status.value("state", "") == "starting") refresh_session_state(s.name);
}

void ControlPlane::reconcile_cluster(Resource c) {
  const nlohmann::json before = c.status;
  Micros now = clock_->now();
  std::string state = c.status.value("state", "STARTING");
  auto& pending = impl_->pending[c.name];

  if (terminal(state)) {
    if (c.status.value("deleteRequested", false)) {
      if (store_->remove("Cluster", c.name).is_ok()) publish("DELETED", c);
      impl_->status_saved.erase(c.name);
      return;
    }
    if (!pending.empty()) (void)ensure_cluster(c.name);
    return;
  }

  // Workers: sync the in-memory view into status, count the live ones.
  int live = 0;
  int ready = 0;
  double worker_seconds = c.status.value("closedWorkerSeconds", 0.0);
  int64_t peak = c.status["accounting"].value("peakMemoryBytes", int64_t{0});
  bool any_died = false;
  for (auto& w : c.status["workers"]) {
    std::string name = w.value("name", "");
    auto it = impl_->workers.find(name);
    std::string ws = w.value("state", "");
    if (it != impl_->workers.end()) {
      ws = it->second.state;
      w["lastHeartbeatMs"] = to_ms(it->second.last_heartbeat);
      w["rssBytes"] = it->second.rss_bytes;
      w["cpuSeconds"] = it->second.cpu_seconds;
      w["pid"] = it->second.handle.pid;
      w["task"] = it->second.has_task ? it->second.task.kind + "/" + it->second.task.name : "";
      peak = std::max(peak, it->second.rss_bytes);
      if (ws == "dead") {
        impl_->workers.erase(it);
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
  c.status["accounting"]["workerSeconds"] = worker_seconds;
  c.status["accounting"]["peakMemoryBytes"] = peak;

  int want = static_cast<int>(c.spec.value("workers", int64_t{2}));
  bool running_tasks = false;
  for (const auto& [ref, rt] : impl_->running)
    if (rt.cluster == c.name) running_tasks = true;

  if (state != "TERMINATING") {
    if (c.status.value("replacedWorkers", int64_t{0}) > 3 * want) {
      state = "TERMINATING";
      c.status["stateChangeReason"] = {{"code", "INSTANCE_FAILURE"},
                                       {"message", "workers keep failing"}};
      c.status["failed"] = true;
    }
  }
  if (state != "TERMINATING") {
    for (int i = live; i < want; ++i) {
      Status s = launch_worker(c, i);
      if (!s.is_ok()) {
        state = "TERMINATING";
        c.status["stateChangeReason"] = {{"code", "INTERNAL_ERROR"},
                                         {"message", "cannot start a worker: " + s.message()}};
        c.status["failed"] = true;
        break;
      }
    }
  }
  if (state != "TERMINATING") {
    if (ready == 0) {
      state = state == "STARTING" ? "STARTING" : "BOOTSTRAPPING";
    } else if (ready < want && (state == "STARTING" || state == "BOOTSTRAPPING")) {
      state = "BOOTSTRAPPING";
    } else {
      if (!c.status["timeline"].contains("readyDateTime"))
        c.status["timeline"]["readyDateTime"] = to_ms(now);
      state = running_tasks ? "RUNNING" : "WAITING";
    }
    // Idle timeout: nothing pending or running for idleTimeout.
    Micros idle = parse_duration(c.spec.value("idleTimeout", std::string("10m"))).value_or(0);
    int64_t last = c.status.value("lastActivityMs", to_ms(now));
    if (running_tasks || !pending.empty()) c.status["lastActivityMs"] = to_ms(now);
    else if (c.spec.value("autoTerminate", true) && idle > 0 &&
             to_ms(now) - last >= to_ms(idle) && state == "WAITING") {
      state = "TERMINATING";
      c.status["stateChangeReason"] = {
          {"code", "ALL_STEPS_COMPLETED"},
          {"message", "idle for " + format_duration(idle) + " (spec.idleTimeout)"}};
    }
  }
  if (state == "TERMINATING") {
    c.status["state"] = state;
    (void)save(c);  // TERMINATING is visible before the (blocking) stops
    stop_cluster_workers(c);
    for (auto it = impl_->running.begin(); it != impl_->running.end();) {
      auto cur = it++;
      if (cur->second.cluster == c.name)
        retry_or_fail(cur->first.kind, cur->first.name, "cluster " + c.name + " terminated",
                      false);
    }
    std::deque<TaskRef> orphans;
    orphans.swap(pending);
    for (const TaskRef& t : orphans)
      retry_or_fail(t.kind, t.name, "cluster " + c.name + " terminated", false);
    state = c.status.value("failed", false) ? "TERMINATED_WITH_ERRORS" : "TERMINATED";
    c.status["timeline"]["endDateTime"] = to_ms(clock_->now());
    c.status["readyWorkers"] = 0;
    c.status.erase("failed");
  } else {
    c.status["readyWorkers"] = ready;
  }
  c.status["state"] = state;

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
  Micros& saved = impl_->status_saved[c.name];
  if (material(before) != material(c.status) || now - saved >= kPeriodicSave) {
    saved = now;
    (void)save(c);
    if (material(before)["state"] != c.status["state"]) {
      // Sessions on this cluster may become idle (or error) now.
      for (const Resource& s : store_->list("Session").value_or({}))
        if (s.status.value("state", "") == "starting" && cluster_for(s) == c.name)
          refresh_session_state(s.name);
    }
  }
  if (terminal(state) && c.status.value("deleteRequested", false)) {
    if (store_->remove("Cluster", c.name).is_ok()) publish("DELETED", c);
    impl_->status_saved.erase(c.name);
  }
}

}  // namespace eddy::controllers
