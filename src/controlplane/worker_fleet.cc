#include "controlplane/worker_fleet.h"

#include <algorithm>
#include <sstream>

#include "common/log.h"

namespace eddy::controlplane {
namespace {

constexpr Micros kRegisterGrace = 30'000'000;  // a launched worker must register within this

}  // namespace

const char* worker_phase_name(WorkerPhase p) {
  switch (p) {
    case WorkerPhase::kStarting: return "starting";
    case WorkerPhase::kReady: return "ready";
    case WorkerPhase::kDead: return "dead";
    case WorkerPhase::kStopped: return "stopped";
  }
  return "dead";
}

bool parse_worker_phase(const std::string& s, WorkerPhase* out) {
  for (WorkerPhase p : {WorkerPhase::kStarting, WorkerPhase::kReady, WorkerPhase::kDead,
                        WorkerPhase::kStopped})
    if (s == worker_phase_name(p)) {
      *out = p;
      return true;
    }
  return false;
}

WorkerFleet::WorkerFleet(std::unique_ptr<cluster::WorkerBackend> backend,
                         const ControlPlaneOptions& options, Clock* clock)
    : backend_(std::move(backend)), options_(options), clock_(clock) {}

Result<WorkerView> WorkerFleet::launch(const std::string& cluster, const std::string& worker,
                                       int cores, int64_t memory_bytes) {
  cluster::WorkerLaunch l;
  l.cluster = cluster;
  l.worker = worker;
  l.server_url = options_.server_url;
  l.token = options_.worker_token;
  l.eddy_binary = options_.eddy_binary;
  l.work_dir = options_.data_dir + "/work/" + worker;
  l.cores = cores;
  l.memory_bytes = memory_bytes;
  Result<cluster::WorkerHandle> h = [&] {
    std::lock_guard<std::mutex> b(backend_mu_);
    return backend_->launch(l);
  }();
  if (!h.is_ok()) return h.status();
  WorkerView w;
  w.cluster = cluster;
  w.name = worker;
  w.handle = *h;
  w.phase = WorkerPhase::kStarting;
  w.launched = clock_->now();
  w.last_heartbeat = w.launched;
  std::lock_guard<std::mutex> g(mu_);
  workers_[worker] = w;
  return w;
}

void WorkerFleet::adopt(const std::string& cluster, const std::string& worker, int64_t pid,
                        WorkerPhase phase, Micros launched) {
  WorkerView w;
  w.cluster = cluster;
  w.name = worker;
  w.handle.backend = backend_->name();
  w.handle.pid = pid;
  w.phase = phase;
  w.launched = launched;
  w.last_heartbeat = clock_->now();  // a grace period: re-attach by the next heartbeat
  std::lock_guard<std::mutex> g(mu_);
  workers_[worker] = w;
}

void WorkerFleet::stop(const std::vector<std::string>& names, int grace_ms) {
  std::vector<std::pair<std::string, cluster::WorkerHandle>> handles;
  {
    std::lock_guard<std::mutex> g(mu_);
    for (const auto& n : names) {
      auto it = workers_.find(n);
      if (it == workers_.end()) continue;
      if (it->second.phase == WorkerPhase::kStarting || it->second.phase == WorkerPhase::kReady)
        handles.emplace_back(n, it->second.handle);
      it->second.phase = WorkerPhase::kStopped;  // heartbeats are answered "stop" from now
    }
  }
  std::lock_guard<std::mutex> b(backend_mu_);
  for (const auto& [name, h] : handles) {
    Status s = backend_->stop(h, grace_ms);
    if (!s.is_ok()) log_line(LogLevel::kWarn, "stopping worker " + name + ": " + s.message());
  }
}

void WorkerFleet::stop_all(int grace_ms) {
  std::vector<std::string> names;
  {
    std::lock_guard<std::mutex> g(mu_);
    for (const auto& [name, w] : workers_) names.push_back(name);
  }
  stop(names, grace_ms);
}

void WorkerFleet::forget(const std::string& worker) {
  std::lock_guard<std::mutex> g(mu_);
  workers_.erase(worker);
}

Status WorkerFleet::register_worker(const cluster::protocol::RegisterRequest& req) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = workers_.find(req.worker);
  if (it == workers_.end() || it->second.cluster != req.cluster)
    return not_found("worker '" + req.worker + "' is not part of cluster '" + req.cluster + "'");
  WorkerView& w = it->second;
  if (w.phase == WorkerPhase::kDead || w.phase == WorkerPhase::kStopped)
    return failed_precondition("worker '" + req.worker + "' was declared " +
                               worker_phase_name(w.phase));
  w.phase = WorkerPhase::kReady;
  w.last_heartbeat = clock_->now();
  if (req.pid > 0) w.handle.pid = req.pid;
  return Status::ok();
}

bool WorkerFleet::heartbeat(const std::string& worker, int64_t rss_bytes, double cpu_seconds) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = workers_.find(worker);
  if (it == workers_.end() || it->second.phase == WorkerPhase::kDead ||
      it->second.phase == WorkerPhase::kStopped)
    return false;
  WorkerView& w = it->second;
  w.last_heartbeat = clock_->now();
  if (w.phase == WorkerPhase::kStarting) w.phase = WorkerPhase::kReady;  // re-attached
  w.rss_bytes = rss_bytes;
  w.cpu_seconds = cpu_seconds;
  return true;
}

Result<std::string> WorkerFleet::lease_ready(const std::string& worker) {
  std::lock_guard<std::mutex> g(mu_);
  auto it = workers_.find(worker);
  if (it == workers_.end() || it->second.phase != WorkerPhase::kReady)
    return failed_precondition("worker '" + worker + "' is not ready (register first)");
  it->second.last_heartbeat = clock_->now();  // a long poll is a sign of life too
  return it->second.cluster;
}

std::vector<WorkerFleet::DeadWorker> WorkerFleet::reap() {
  const Micros now = clock_->now();
  const Micros dead_after = options_.heartbeat_interval * options_.missed_heartbeats;
  std::vector<WorkerView> live;
  {
    std::lock_guard<std::mutex> g(mu_);
    for (const auto& [name, w] : workers_)
      if (w.phase == WorkerPhase::kStarting || w.phase == WorkerPhase::kReady) live.push_back(w);
  }
  std::vector<DeadWorker> dead;
  std::lock_guard<std::mutex> b(backend_mu_);
  for (const WorkerView& w : live) {
    const Micros limit =
        w.phase == WorkerPhase::kStarting ? std::max(dead_after, kRegisterGrace) : dead_after;
    const bool gone = !backend_->alive(w.handle);
    if (!gone && now - w.last_heartbeat <= limit) continue;
    {
      // A heartbeat may have come in since the copy was taken.
      std::lock_guard<std::mutex> g(mu_);
      auto it = workers_.find(w.name);
      if (it == workers_.end() || it->second.phase == WorkerPhase::kDead ||
          it->second.phase == WorkerPhase::kStopped)
        continue;
      if (!gone && now - it->second.last_heartbeat <= limit) continue;
      it->second.phase = WorkerPhase::kDead;
    }
    std::string why = "worker " + w.name + (gone ? " exited" : " missed its heartbeats");
    log_line(LogLevel::kWarn, "cluster " + w.cluster + ": " + why);
    (void)backend_->stop(w.handle, 0);  // make sure: a hung worker must not come back
    dead.push_back(DeadWorker{w.cluster, w.name, why});
  }
  return dead;
}

std::vector<WorkerView> WorkerFleet::workers_of(const std::string& cluster) const {
  std::vector<WorkerView> out;
  std::lock_guard<std::mutex> g(mu_);
  for (const auto& [name, w] : workers_)
    if (w.cluster == cluster) out.push_back(w);
  return out;
}

std::optional<WorkerView> WorkerFleet::find(const std::string& worker) const {
  std::lock_guard<std::mutex> g(mu_);
  auto it = workers_.find(worker);
  if (it == workers_.end()) return std::nullopt;
  return it->second;
}

std::string WorkerFleet::metrics_text() const {
  std::map<std::string, int64_t> by_phase;
  {
    std::lock_guard<std::mutex> g(mu_);
    for (const auto& [name, w] : workers_) by_phase[worker_phase_name(w.phase)]++;
  }
  std::ostringstream o;
  o << "# HELP eddy_workers Workers known to the server, by state.\n# TYPE eddy_workers gauge\n";
  for (const char* s : {"starting", "ready", "dead", "stopped"})
    o << "eddy_workers{state=\"" << s << "\"} " << by_phase[s] << "\n";
  return o.str();
}

}  // namespace eddy::controlplane
