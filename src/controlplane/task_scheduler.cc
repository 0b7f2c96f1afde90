#include "controlplane/task_scheduler.h"

#include <chrono>
#include <sstream>

#include "common/log.h"
#include "controlplane/worker_fleet.h"

namespace eddy::controlplane {

namespace protocol = cluster::protocol;

TaskScheduler::TaskScheduler(WorkerFleet& fleet, const ControlPlaneOptions& options, Clock* clock)
    : fleet_(fleet), options_(options), clock_(clock) {}

void TaskScheduler::set_owner(const std::string& kind, TaskOwner* owner) { owners_[kind] = owner; }

void TaskScheduler::add_end_observer(TaskEndObserver observer) {
  observers_.push_back(std::move(observer));
}

void TaskScheduler::set_cluster_signal(
    std::function<void(const std::string&, ClusterSignal)> signal) {
  cluster_signal_ = std::move(signal);
}

void TaskScheduler::set_max_attempts(std::function<int64_t(const std::string&)> max_attempts) {
  max_attempts_ = std::move(max_attempts);
}

void TaskScheduler::request_cluster(const std::string& cluster) {
  signal_cluster(cluster, ClusterSignal::kDemand);
}

TaskOwner* TaskScheduler::owner_of(const std::string& kind) const {
  auto it = owners_.find(kind);
  return it == owners_.end() ? nullptr : it->second;
}

void TaskScheduler::signal_cluster(const std::string& cluster, ClusterSignal what) {
  if (cluster_signal_) cluster_signal_(cluster, what);
}

std::string TaskScheduler::pin_of(const Queued& q) const {
  if (!q.sticky) return "";
  if (auto it = serial_worker_.find(q.serial); it != serial_worker_.end()) return it->second;
  return q.worker;
}

void TaskScheduler::enqueue(Queued q) {
  const std::string cluster = q.cluster;
  std::string pin;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (q.sticky && !q.worker.empty() && !serial_worker_.count(q.serial))
      serial_worker_[q.serial] = q.worker;
    pin = pin_of(q);
  }
  if (!pin.empty()) {
    // A sticky task whose worker is gone can never run.
    auto w = fleet_.find(pin);
    if (!w || w->phase == WorkerPhase::kDead || w->phase == WorkerPhase::kStopped) {
      lost(q.key, Running{cluster, pin, q.serial, q.attempt, true},
           "worker " + pin + ", which held the state of " + q.serial + ", is gone", false,
           false);
      return;
    }
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    auto& queue = pending_[cluster];
    std::erase_if(queue, [&](const Queued& o) { return o.key == q.key; });
    if (q.attempt > 0)
      queue.push_front(std::move(q));  // a retry goes first, as it went first before
    else
      queue.push_back(std::move(q));
  }
  work_cv_.notify_all();
  signal_cluster(cluster, ClusterSignal::kDemand);
}

void TaskScheduler::adopt_running(Queued q, const std::string& worker, bool cancelling) {
  std::lock_guard<std::mutex> l(mu_);
  running_[q.key] = Running{q.cluster, worker, q.serial, q.attempt, q.sticky};
  if (!worker.empty()) by_worker_[worker] = q.key;
  if (q.sticky && !worker.empty()) serial_worker_[q.serial] = worker;
  if (!q.serial.empty()) busy_serials_.insert(q.serial);
  if (cancelling) cancelling_.insert(q.key);
}

std::optional<TaskScheduler::Running> TaskScheduler::take_running(const TaskKey& key) {
  auto it = running_.find(key);
  if (it == running_.end()) return std::nullopt;
  Running rt = it->second;
  running_.erase(it);
  if (auto w = by_worker_.find(rt.worker); w != by_worker_.end() && w->second == key)
    by_worker_.erase(w);
  if (!rt.serial.empty()) busy_serials_.erase(rt.serial);
  return rt;
}

void TaskScheduler::end(const TaskKey& key, const TaskEnd& e) {
  std::string result = "lost";
  if (TaskOwner* owner = owner_of(key.kind)) result = owner->finished(key, e);
  {
    std::lock_guard<std::mutex> l(mu_);
    finished_total_[key.kind + "," + result]++;
  }
  for (const auto& observer : observers_) observer(key, e);
  work_cv_.notify_all();  // a serial key may be free now
  signal_cluster(e.cluster, ClusterSignal::kActivity);
}

void TaskScheduler::forget_serial(const std::string& serial) {
  std::lock_guard<std::mutex> l(mu_);
  serial_worker_.erase(serial);
}

CancelOutcome TaskScheduler::cancel(const TaskKey& key) {
  std::lock_guard<std::mutex> l(mu_);
  if (running_.count(key)) {
    cancelling_.insert(key);
    return CancelOutcome::kKilling;
  }
  for (auto& [cluster, queue] : pending_) {
    auto before = queue.size();
    std::erase_if(queue, [&](const Queued& q) { return q.key == key; });
    if (queue.size() != before) return CancelOutcome::kDequeued;
  }
  return CancelOutcome::kNotQueued;
}

void TaskScheduler::lost(const TaskKey& key, const Running& rt, const std::string& why,
                         bool allow_retry, bool cancelled) {
  TaskOwner* owner = owner_of(key.kind);
  if (owner != nullptr) (void)owner->log(key, {"eddy: attempt " + std::to_string(rt.attempt) +
                                               ": " + why});
  const bool retry = allow_retry && !cancelled && !rt.sticky && rt.attempt > 0 &&
                     rt.attempt < (max_attempts_ ? max_attempts_(rt.cluster) : 2);
  if (retry) {
    if (owner != nullptr) owner->requeued(key, why);
    enqueue(Queued{key, rt.cluster, rt.serial, rt.attempt, rt.sticky, ""});
    return;
  }
  TaskEnd e;
  e.how = TaskEnd::How::kLost;
  e.cancelled = cancelled;
  e.cluster = rt.cluster;
  e.worker = rt.worker;
  e.attempt = rt.attempt;
  e.why = why;
  end(key, e);
}

void TaskScheduler::fail_cluster(const std::string& cluster, const std::string& why) {
  std::vector<std::pair<TaskKey, Running>> running;
  std::vector<std::pair<Queued, bool>> waiting;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto it = running_.begin(); it != running_.end();) {
      auto cur = it++;
      if (cur->second.cluster != cluster) continue;
      TaskKey key = cur->first;
      Running rt = *take_running(key);
      running.emplace_back(key, rt);
    }
    if (auto q = pending_.find(cluster); q != pending_.end()) {
      for (auto& item : q->second) waiting.emplace_back(item, cancelling_.erase(item.key) > 0);
      pending_.erase(q);
    }
  }
  for (const auto& [key, rt] : running) {
    bool cancelled;
    {
      std::lock_guard<std::mutex> l(mu_);
      cancelled = cancelling_.erase(key) > 0;
    }
    lost(key, rt, why, false, cancelled);
  }
  for (const auto& [q, cancelled] : waiting)
    lost(q.key, Running{q.cluster, "", q.serial, q.attempt, q.sticky}, why, false, cancelled);
}

void TaskScheduler::worker_died(const std::string& worker, const std::string& why) {
  std::optional<std::pair<TaskKey, Running>> running;
  bool cancelled = false;
  std::vector<std::pair<Queued, bool>> stranded;  // sticky tasks that waited for it
  {
    std::lock_guard<std::mutex> l(mu_);
    if (auto w = by_worker_.find(worker); w != by_worker_.end()) {
      TaskKey key = w->second;
      if (auto taken = take_running(key)) {
        running.emplace(key, *taken);
        cancelled = cancelling_.erase(key) > 0;
      }
    }
    for (auto& [cluster, queue] : pending_) {
      for (auto q = queue.begin(); q != queue.end();) {
        if (pin_of(*q) == worker) {
          stranded.emplace_back(*q, cancelling_.erase(q->key) > 0);
          q = queue.erase(q);
        } else {
          ++q;
        }
      }
    }
    std::erase_if(serial_worker_, [&](const auto& kv) { return kv.second == worker; });
  }
  if (running) lost(running->first, running->second, why, true, cancelled);
  for (const auto& [q, c] : stranded)
    lost(q.key, Running{q.cluster, worker, q.serial, q.attempt, true},
         "worker " + worker + ", which held the state of " + q.serial + ", died: " + why, false,
         c);
}

void TaskScheduler::stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
}

Result<protocol::LeaseAnswer> TaskScheduler::lease(const std::string& worker,
                                                   const protocol::LeaseRequest& req) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(req.wait_ms);
  for (;;) {
    EDDY_ASSIGN_OR_RETURN(std::string cluster, fleet_.lease_ready(worker));
    std::optional<Queued> picked;
    {
      std::unique_lock<std::mutex> l(mu_);
      if (stopping_) return protocol::LeaseAnswer{};
      if (!by_worker_.count(worker)) {
        auto& queue = pending_[cluster];
        for (auto q = queue.begin(); q != queue.end(); ++q) {
          if (!q->serial.empty() && busy_serials_.count(q->serial)) continue;
          if (const std::string pin = pin_of(*q); !pin.empty() && pin != worker) continue;
          picked = std::move(*q);
          queue.erase(q);
          break;
        }
      }
      if (picked) {
        picked->attempt += 1;
        running_[picked->key] =
            Running{cluster, worker, picked->serial, picked->attempt, picked->sticky};
        by_worker_[worker] = picked->key;
        if (picked->sticky) serial_worker_.emplace(picked->serial, worker);
        if (!picked->serial.empty()) busy_serials_.insert(picked->serial);
      } else {
        if (work_cv_.wait_until(l, deadline) == std::cv_status::timeout)
          return protocol::LeaseAnswer{};
        continue;
      }
    }
    // The attempt is ours; the store and the owner are called without mu_.
    const TaskKey key = picked->key;
    TaskOwner* owner = owner_of(key.kind);
    Result<cluster::TaskInvocation> inv =
        owner != nullptr ? owner->build(key) : internal_error("no owner for kind " + key.kind);
    if (!inv.is_ok()) {
      std::optional<Running> rt;
      {
        std::lock_guard<std::mutex> l(mu_);
        rt = take_running(key);
        cancelling_.erase(key);
      }
      if (rt && inv.status().code() != StatusCode::kNotFound) {
        (void)owner->log(key, {"eddy: " + inv.status().message()});
        TaskEnd e;
        e.how = TaskEnd::How::kRefused;
        e.cluster = rt->cluster;
        e.worker = worker;
        e.attempt = rt->attempt;
        e.why = inv.status().message();
        e.report.task = protocol::TaskRef{key.kind, key.name, rt->attempt};
        e.report.exit_code = protocol::kExitInvalidTask;
        e.report.stderr_tail = {inv.status().message()};
        end(key, e);
      } else {
        work_cv_.notify_all();
      }
      continue;
    }
    if (options_.confine) inv->confine = options_.confine;
    Status started = owner->started(key, picked->attempt, worker, clock_->now());
    if (!started.is_ok()) {
      {
        std::lock_guard<std::mutex> l(mu_);
        take_running(key);
        picked->attempt -= 1;
        pending_[picked->cluster].push_front(*picked);  // the store failed: it stays queued
      }
      return started;
    }
    signal_cluster(cluster, ClusterSignal::kActivity);
    protocol::LeaseAnswer answer;
    answer.task = protocol::Task{protocol::TaskRef{key.kind, key.name, picked->attempt},
                                 std::move(inv).value(), Status::ok()};
    return answer;
  }
}

protocol::HeartbeatAction TaskScheduler::task_action(const std::string& worker,
                                                     const protocol::TaskRef& task) {
  std::lock_guard<std::mutex> l(mu_);
  const TaskKey key{task.kind, task.name};
  auto r = running_.find(key);
  const bool ours = r != running_.end() && r->second.worker == worker &&
                    r->second.attempt == task.attempt;
  if (!ours || cancelling_.count(key)) return protocol::HeartbeatAction::kCancel;
  return protocol::HeartbeatAction::kContinue;
}

Status TaskScheduler::log(const std::string& worker, const protocol::LogRequest& req) {
  const TaskKey key{req.task.kind, req.task.name};
  TaskOwner* owner = owner_of(key.kind);
  if (owner == nullptr) return invalid_argument("kind: '" + key.kind + "' does not run as a task");
  {
    std::lock_guard<std::mutex> l(mu_);
    auto r = running_.find(key);
    if (r == running_.end() || r->second.worker != worker) return Status::ok();  // stale
  }
  return owner->log(key, req.lines);
}

Status TaskScheduler::done(const std::string& worker, const protocol::DoneReport& report) {
  const TaskKey key{report.task.kind, report.task.name};
  std::optional<Running> rt;
  bool cancelled = false;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto r = running_.find(key);
    // A stale report (an earlier attempt, or a task already failed over) is ignored.
    if (r == running_.end() || r->second.worker != worker ||
        r->second.attempt != report.task.attempt)
      return Status::ok();
    rt = take_running(key);
    cancelled = cancelling_.erase(key) > 0;
  }
  TaskEnd e;
  e.how = TaskEnd::How::kReported;
  e.cancelled = cancelled;
  e.cluster = rt->cluster;
  e.worker = worker;
  e.attempt = rt->attempt;
  e.report = report;
  end(key, e);
  return Status::ok();
}

TaskScheduler::ClusterLoad TaskScheduler::load(const std::string& cluster) const {
  ClusterLoad load;
  std::lock_guard<std::mutex> l(mu_);
  if (auto q = pending_.find(cluster); q != pending_.end())
    load.pending = static_cast<int64_t>(q->second.size());
  for (const auto& [key, rt] : running_)
    if (rt.cluster == cluster) ++load.running;
  return load;
}

std::optional<TaskKey> TaskScheduler::task_of(const std::string& worker) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = by_worker_.find(worker);
  if (it == by_worker_.end()) return std::nullopt;
  return it->second;
}

std::string TaskScheduler::metrics_text() const {
  std::ostringstream o;
  std::lock_guard<std::mutex> l(mu_);
  o << "# HELP eddy_tasks_finished_total Batches and statements finished, by result.\n"
       "# TYPE eddy_tasks_finished_total counter\n";
  for (const auto& [key, n] : finished_total_) {
    size_t comma = key.find(',');
    o << "eddy_tasks_finished_total{kind=\"" << key.substr(0, comma) << "\",result=\""
      << key.substr(comma + 1) << "\"} " << n << "\n";
  }
  int64_t pending = 0;
  for (const auto& [c, q] : pending_) pending += static_cast<int64_t>(q.size());
  o << "# HELP eddy_tasks_pending Tasks waiting for a worker.\n# TYPE eddy_tasks_pending gauge\n"
    << "eddy_tasks_pending " << pending << "\n";
  o << "# HELP eddy_tasks_running Tasks running on workers.\n# TYPE eddy_tasks_running gauge\n"
    << "eddy_tasks_running " << running_.size() << "\n";
  return o.str();
}

}  // namespace eddy::controlplane
