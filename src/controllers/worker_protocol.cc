// The server side of docs/worker-protocol.md: registration, heartbeats, leasing tasks, logs and
// completion reports.
#include <chrono>

#include "common/log.h"
#include "controllers/control_plane.h"
#include "controllers/control_plane_impl.h"

namespace eddy::controllers {

using resources::Resource;

namespace {

Result<std::string> body_string(const nlohmann::json& body, const std::string& key) {
  if (!body.is_object()) return invalid_argument("body: expected a JSON object");
  auto it = body.find(key);
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty())
    return invalid_argument(key + ": required string");
  return it->get<std::string>();
}

}  // namespace

Result<nlohmann::json> ControlPlane::worker_register(const nlohmann::json& body) {
  EDDY_ASSIGN_OR_RETURN(std::string name, body_string(body, "worker"));
  EDDY_ASSIGN_OR_RETURN(std::string cluster, body_string(body, "cluster"));
  std::lock_guard<std::mutex> l(impl_->mu);
  auto it = impl_->workers.find(name);
  if (it == impl_->workers.end() || it->second.cluster != cluster)
    return not_found("worker '" + name + "' is not part of cluster '" + cluster + "'");
  if (it->second.state == "dead" || it->second.state == "stopped")
    return failed_precondition("worker '" + name + "' was declared " + it->second.state);
  it->second.state = "ready";
  it->second.last_heartbeat = clock_->now();
  if (body.contains("pid") && body["pid"].is_number_integer())
    it->second.handle.pid = body["pid"].get<int64_t>();
  refresh_cluster_state(cluster);  // WAITING as soon as the last worker is in
  return nlohmann::json{{"heartbeatIntervalMs", options_.heartbeat_interval / 1000}};
}

Result<nlohmann::json> ControlPlane::worker_heartbeat(const std::string& worker,
                                                      const nlohmann::json& body) {
  if (!body.is_object()) return invalid_argument("body: expected a JSON object");
  std::lock_guard<std::mutex> l(impl_->mu);
  auto it = impl_->workers.find(worker);
  if (it == impl_->workers.end() || it->second.state == "dead" || it->second.state == "stopped")
    return nlohmann::json{{"action", "stop"}};
  WorkerState& w = it->second;
  w.last_heartbeat = clock_->now();
  if (w.state == "starting") w.state = "ready";  // re-attached after a server restart
  w.rss_bytes = body.value("rssBytes", int64_t{0});
  w.cpu_seconds = body.value("cpuSeconds", 0.0);
  const auto task = body.find("task");
  if (task != body.end() && task->is_object()) {
    TaskRef ref{task->value("kind", ""), task->value("name", "")};
    auto r = impl_->running.find(ref);
    bool ours = r != impl_->running.end() && r->second.worker == worker &&
                r->second.attempt == task->value("attempt", int64_t{-1});
    if (!ours || impl_->cancelling.count(ref)) return nlohmann::json{{"action", "cancel"}};
  }
  return nlohmann::json{{"action", "continue"}};
}

Result<nlohmann::json> ControlPlane::worker_lease(const std::string& worker,
                                                  const nlohmann::json& body) {
  if (!body.is_object()) return invalid_argument("body: expected a JSON object");
  int64_t wait_ms = std::clamp<int64_t>(body.value("waitMs", int64_t{20000}), 0, 30000);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  std::unique_lock<std::mutex> l(impl_->mu);
  while (!impl_->stopping) {
    auto it = impl_->workers.find(worker);
    if (it == impl_->workers.end() || it->second.state != "ready")
      return failed_precondition("worker '" + worker + "' is not ready (register first)");
    WorkerState& w = it->second;
    w.last_heartbeat = clock_->now();  // a long poll is a sign of life too
    if (!w.has_task) {
      auto& queue = impl_->pending[w.cluster];
      for (auto q = queue.begin(); q != queue.end(); ++q) {
        auto r = store_->get(q->kind, q->name);
        if (!r.is_ok()) {  // deleted while queued
          queue.erase(q);
          break;
        }
        Resource t = *r;
        if (t.kind == "Statement") {  // a session runs its statements one at a time, in order
          bool busy = false;
          for (const auto& [ref, rt] : impl_->running)
            if (ref.kind == "Statement" &&
                ref.name.rfind(t.spec.value("session", "") + "-s", 0) == 0)
              busy = true;
          if (busy) continue;
        }
        TaskRef ref = *q;
        queue.erase(q);
        int64_t attempt = t.status.value("attempt", int64_t{0}) + 1;
        auto task = build_task(t, attempt);
        t.status["attempt"] = attempt;
        if (!task.is_ok()) {
          (void)store_->append_log(t.kind, t.name, {"eddy: " + task.status().message()});
          impl_->running[ref] = RunningTask{w.cluster, worker, attempt, clock_->now()};
          complete_task(t.kind, t.name,
                        {{"attempt", attempt},
                         {"exitCode", 3},
                         {"stderrTail", nlohmann::json::array({task.status().message()})}});
          break;
        }
        Micros now = clock_->now();
        t.status["state"] = "running";
        t.status["worker"] = worker;
        t.status["started"] = to_ms(now);
        if (t.kind == "Statement") t.status["progress"] = 0.0;
        // Livy's appId appears once the application runs (YARN gives it at submission).
        if (t.kind == "Batch") t.status["appId"] = "eddy-batch-" + std::to_string(t.id);
        if (auto s = save(t); !s.is_ok()) {
          queue.push_front(ref);  // the store failed: the task stays queued
          return s.status();
        }
        impl_->running[ref] = RunningTask{w.cluster, worker, attempt, now};
        w.has_task = true;
        w.task = ref;
        w.attempt = attempt;
        if (auto c = store_->get("Cluster", w.cluster); c.is_ok()) {
          Resource cl = *c;
          cl.status["lastActivityMs"] = to_ms(now);
          reconcile_cluster(cl);  // → RUNNING
        }
        if (t.kind == "Statement") refresh_session_state(t.spec.value("session", ""));
        return nlohmann::json{{"task", *task}};
      }
    }
    if (impl_->work_cv.wait_until(l, deadline) == std::cv_status::timeout) break;
  }
  return nlohmann::json{{"task", nullptr}};
}

Status ControlPlane::worker_log(const std::string& worker, const nlohmann::json& body) {
  EDDY_ASSIGN_OR_RETURN(std::string kind, body_string(body, "kind"));
  EDDY_ASSIGN_OR_RETURN(std::string name, body_string(body, "name"));
  if (kind != "Batch" && kind != "Statement") return invalid_argument("kind: Batch or Statement");
  std::vector<std::string> lines;
  if (body.contains("lines") && body["lines"].is_array())
    for (const auto& line : body["lines"])
      if (line.is_string()) lines.push_back(line.get<std::string>());
  {
    std::lock_guard<std::mutex> l(impl_->mu);
    auto r = impl_->running.find(TaskRef{kind, name});
    if (r == impl_->running.end() || r->second.worker != worker) return Status::ok();  // stale
  }
  EDDY_RETURN_IF_ERROR(store_->append_log(kind, name, lines));
  if (kind == "Statement") {
    size_t cut = name.rfind("-s");
    if (cut != std::string::npos) (void)store_->append_log("Session", name.substr(0, cut), lines);
  }
  return Status::ok();
}

Status ControlPlane::worker_done(const std::string& worker, const nlohmann::json& body) {
  EDDY_ASSIGN_OR_RETURN(std::string kind, body_string(body, "kind"));
  EDDY_ASSIGN_OR_RETURN(std::string name, body_string(body, "name"));
  std::lock_guard<std::mutex> l(impl_->mu);
  auto r = impl_->running.find(TaskRef{kind, name});
  if (r == impl_->running.end() || r->second.worker != worker) return Status::ok();  // stale
  complete_task(kind, name, body);
  return Status::ok();
}

}  // namespace eddy::controllers
