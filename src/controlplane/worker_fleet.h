// WorkerFleet: the workers of every cluster and the placement backend that starts and stops
// them (local processes today; Slurm and Kubernetes behind the same cluster::WorkerBackend).
// It is the server side of the worker protocol's register and heartbeat, and decides when a
// worker is dead. What a Cluster resource says about its workers is the Cluster kind's
// controller's (src/kinds/cluster/), which launches and stops workers through this class.
//
// Locking: mu_ guards workers_ and is never held across a backend or store call, so heartbeats
// wait on nothing but memory. backend_mu_ serializes the backend's calls (backends are not
// thread-safe); it is never taken under mu_.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cluster/worker_backend.h"
#include "cluster/worker_protocol.h"
#include "common/clock.h"
#include "common/status.h"
#include "controlplane/options.h"

namespace eddy::controlplane {

enum class WorkerPhase { kStarting, kReady, kDead, kStopped };
const char* worker_phase_name(WorkerPhase p);  // "starting", "ready", "dead", "stopped"
bool parse_worker_phase(const std::string& s, WorkerPhase* out);

// A worker as the fleet knows it (a copy: reading it takes no lock).
struct WorkerView {
  std::string cluster;
  std::string name;
  cluster::WorkerHandle handle;
  WorkerPhase phase = WorkerPhase::kStarting;
  Micros launched = 0;
  Micros last_heartbeat = 0;  // the launch or re-attach time until the first heartbeat
  int64_t rss_bytes = 0;
  double cpu_seconds = 0;
};

class WorkerFleet {
 public:
  WorkerFleet(std::unique_ptr<cluster::WorkerBackend> backend, const ControlPlaneOptions& options,
              Clock* clock);
  WorkerFleet(const WorkerFleet&) = delete;
  WorkerFleet& operator=(const WorkerFleet&) = delete;

  std::string backend_name() const { return backend_->name(); }

  // Starts worker `worker` of `cluster` with the cluster's per-worker cores and memory.
  Result<WorkerView> launch(const std::string& cluster, const std::string& worker, int cores,
                            int64_t memory_bytes);
  // Knows again a worker recorded in the store (a restarted server): it has a heartbeat
  // interval's grace from now to re-attach.
  void adopt(const std::string& cluster, const std::string& worker, int64_t pid,
             WorkerPhase phase, Micros launched);
  // Stops the named workers (SIGTERM, then SIGKILL after grace_ms) and marks them stopped.
  void stop(const std::vector<std::string>& workers, int grace_ms);
  void stop_all(int grace_ms);
  // Forgets a worker that ended (its record stays in the Cluster's status).
  void forget(const std::string& worker);

  // Worker protocol. register: the worker must have been launched (or adopted) for that
  // cluster and not declared dead; it becomes ready.
  Status register_worker(const cluster::protocol::RegisterRequest& req);
  // False when the worker is unknown, dead or stopped (the answer is then "stop").
  bool heartbeat(const std::string& worker, int64_t rss_bytes, double cpu_seconds);
  // The cluster of a ready worker, whose long poll counts as a sign of life; an error for a
  // worker that is not ready.
  Result<std::string> lease_ready(const std::string& worker);

  struct DeadWorker {
    std::string cluster;
    std::string name;
    std::string why;  // "worker x missed its heartbeats" / "... exited"
  };
  // Declares dead the workers that missed their heartbeats, whose process is gone, or that
  // never registered, stops them for good, and returns them (their tasks are the scheduler's
  // to retry).
  std::vector<DeadWorker> reap();

  std::vector<WorkerView> workers_of(const std::string& cluster) const;
  std::optional<WorkerView> find(const std::string& worker) const;

  std::string metrics_text() const;

 private:
  const std::unique_ptr<cluster::WorkerBackend> backend_;
  const ControlPlaneOptions& options_;
  Clock* const clock_;

  std::mutex backend_mu_;  // serializes backend_ calls; never taken under mu_

  mutable std::mutex mu_;
  std::map<std::string, WorkerView> workers_;  // GUARDED_BY(mu_): by worker name
};

}  // namespace eddy::controlplane
