// ControlPlane: the server's control plane, below HTTP and above the store. It builds the
// services (resource service, task scheduler, worker fleet), one controller per kind from the
// registered recipe (kind_controller.h), wires them together and runs the reconcile thread.
// The HTTP layer (server/) talks to the services; see docs/ARCHITECTURE.md "The control plane".
//
// All state that matters is in the store; start() has every controller restore its in-memory
// state from it, and workers that are still alive re-attach by their next heartbeat.
//
// Thread-safety: the services are thread-safe; start/stop/shutdown_workers are called from the
// owning thread. The reconcile thread runs each kind's pass and periodic reconciles; mu_ only
// guards its wake-up flag.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/worker_backend.h"
#include "common/clock.h"
#include "common/status.h"
#include "controlplane/kind_controller.h"
#include "controlplane/options.h"
#include "controlplane/resource_service.h"
#include "controlplane/task_scheduler.h"
#include "controlplane/worker_fleet.h"
#include "store/resource_store.h"

namespace eddy::controlplane {

class ControlPlane {
 public:
  ControlPlane(std::unique_ptr<store::ResourceStore> store,
               std::unique_ptr<cluster::WorkerBackend> backend, ControlPlaneOptions options,
               Clock* clock = SystemClock::instance());
  ~ControlPlane();
  ControlPlane(const ControlPlane&) = delete;
  ControlPlane& operator=(const ControlPlane&) = delete;

  // Restores every controller's state from the store and starts the reconcile thread.
  Status start();
  // Stops the reconcile thread and wakes every long poll. Workers are left running (a
  // restarted server re-attaches them); shutdown_workers() stops them too.
  void stop();
  void shutdown_workers();
  // One reconcile pass now (tests with a ManualClock; the background loop does the same).
  void reconcile_now();

  ResourceService& resources() { return resources_; }
  TaskScheduler& tasks() { return tasks_; }
  WorkerFleet& fleet() { return fleet_; }
  const ControlPlaneOptions& options() const { return options_; }

  // The worker protocol (docs/worker-protocol.md), typed.
  Result<cluster::protocol::RegisterAnswer> worker_register(
      const cluster::protocol::RegisterRequest& req);
  cluster::protocol::HeartbeatAnswer worker_heartbeat(const std::string& worker,
                                                      const cluster::protocol::HeartbeatRequest& req);

  // Prometheus text exposition of the control plane's counters and gauges.
  std::string metrics_text();

 private:
  void reconcile_one(const std::string& kind, const std::string& name);
  void wake();
  void reconcile_loop();

  const ControlPlaneOptions options_;
  Clock* const clock_;
  WorkerFleet fleet_;
  ResourceService resources_;
  TaskScheduler tasks_;
  Services services_;
  // In pass order (kind_controller.h); fixed after construction.
  std::vector<std::pair<std::string, std::unique_ptr<KindController>>> controllers_;

  std::mutex mu_;
  std::condition_variable wake_cv_;
  bool wake_ = false;      // GUARDED_BY(mu_)
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread reconciler_;
};

}  // namespace eddy::controlplane
