// ControlPlane: the server's brain, below HTTP and above the store. It owns the store, runs one
// reconcile loop per kind (ClusterController, ...), schedules work (Batch and Statement
// resources) onto the workers of clusters, and publishes every change to watchers. The HTTP
// layer (server/) translates the native API, Livy and EMR onto these calls and nothing else.
//
// Kinds and their fields: docs/api.md. All state that matters is in the store; after a restart
// start() reloads clusters and in-flight work, and workers that are still alive re-attach by
// their next heartbeat.
//
// Thread-safety: every public method may be called from any HTTP thread; one mutex (mu_)
// guards the in-memory indexes; the store serializes itself. Reconcile loops run on one
// background thread started by start() and stopped by stop() (also called by the destructor).
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/sandbox.h"
#include "controllers/kind_controller.h"
#include "cluster/worker_backend.h"
#include "common/clock.h"
#include "common/status.h"
#include "resources/resource.h"
#include "store/resource_store.h"

namespace eddy::controllers {

struct ControlPlaneOptions {
  std::string server_url;       // how workers reach this server: "http://127.0.0.1:8998"
  std::string public_host;      // host name reported as EMR MasterPublicDnsName
  std::string eddy_binary;      // path of the eddy executable workers run (/proc/self/exe)
  std::string data_dir;         // scratch space for workers (DATA_DIR/work/...)
  std::string worker_token;     // bearer token the workers present (may be empty on loopback)
  Micros heartbeat_interval = 1'000'000;  // workers heartbeat this often
  int missed_heartbeats = 5;    // a worker silent this many intervals is dead
  Micros reconcile_interval = 200'000;
  std::string default_cluster = "default";  // created on demand when work names no cluster
  bool background_reconcile = true;  // false in tests: they call reconcile_now() instead
  // Set: every task runs confined to these paths and buckets (cluster/sandbox.h), and
  // requests naming other ones are refused with 403. Unset: tasks run unconfined.
  std::optional<cluster::Confinement> confine;
};

// One change, as watch streams it (Kubernetes' watch event shape).
struct ResourceEvent {
  std::string type;  // "ADDED", "MODIFIED", "DELETED"
  resources::Resource object;
};

class ControlPlane {
 public:
  ControlPlane(std::unique_ptr<store::ResourceStore> store,
               std::unique_ptr<cluster::WorkerBackend> backend, ControlPlaneOptions options,
               Clock* clock = SystemClock::instance());
  ~ControlPlane();
  ControlPlane(const ControlPlane&) = delete;
  ControlPlane& operator=(const ControlPlane&) = delete;

  // Reloads state from the store and starts the reconcile thread.
  Status start();
  // Stops the reconcile thread. Workers are left running (a restarted server re-attaches them);
  // use shutdown_workers() to stop them too.
  void stop();
  void shutdown_workers();

  // Runs one reconcile pass now (tests with a ManualClock; the background loop does the same):
  // the core kinds' controllers, then the registered KindControllers.
  void reconcile_now();

  store::ResourceStore& store() { return *store_; }
  const ControlPlaneOptions& options() const { return options_; }

  // ---- resources (native API; Livy and EMR adapters use these too) ----
  // Validates (kind known, name, spec via the kind's validate_spec), stores durably, publishes
  // ADDED, wakes the controllers. `r.status` from users is ignored.
  Result<resources::Resource> create(resources::Resource r);
  Result<resources::Resource> get(const std::string& kind, const std::string& name);
  Result<resources::Resource> get_by_id(const std::string& kind, int64_t id);
  Result<std::vector<resources::Resource>> list(const std::string& kind,
                                                const resources::LabelSelector& sel = {});
  // Replaces spec and labels (status kept); validates like create. r.version as the store.
  Result<resources::Resource> update_spec(const resources::Resource& r);
  // Asks for deletion; the resources a KindController created for it (kOwnerLabel) go first.
  // A Cluster is terminated first (TERMINATING → workers stopped →
  // TERMINATED) and then removed; a Session is killed, its statements cancelled; a Batch is
  // killed. Returns the resource as it was when deletion was requested.
  Result<resources::Resource> remove(const std::string& kind, const std::string& name);
  // Writes a resource's status (and spec/labels) as the controllers do, last writer wins, and
  // publishes MODIFIED: for KindControllers (kind_controller.h).
  Result<resources::Resource> update_status(const resources::Resource& r);
  // Cancels a statement / kills a batch or session without deleting it (Livy semantics).
  Status cancel(const std::string& kind, const std::string& name);

  // Statements of a session (Livy POST /sessions/{id}/statements). The statement's id is the
  // session's next statement number; its name "<session>-s<n>".
  Result<resources::Resource> add_statement(const std::string& session, const std::string& code,
                                            const std::string& kind);
  Result<std::vector<resources::Resource>> statements(const std::string& session);

  // Watch: `fn` is called (from the writer's thread, must not block) for every change of
  // `kind` ("" = all kinds). Returns a token for unsubscribe.
  int64_t subscribe(const std::string& kind, std::function<void(const ResourceEvent&)> fn);
  void unsubscribe(int64_t token);

  // ---- the worker protocol (docs/worker-protocol.md) ----
  Result<nlohmann::json> worker_register(const nlohmann::json& body);
  Result<nlohmann::json> worker_heartbeat(const std::string& worker, const nlohmann::json& body);
  // Long-polls up to body.waitMs for a task; returns {"task": null} when there is none.
  Result<nlohmann::json> worker_lease(const std::string& worker, const nlohmann::json& body);
  Status worker_log(const std::string& worker, const nlohmann::json& body);
  Status worker_done(const std::string& worker, const nlohmann::json& body);

  // Prometheus text exposition of the control plane's counters and gauges.
  std::string metrics_text();

 private:
  struct Impl;
  friend struct Impl;
  // control_plane.cc
  void publish(const std::string& type, const resources::Resource& r);
  // Writes r's status (and spec/labels) unconditionally and publishes MODIFIED.
  Result<resources::Resource> save(const resources::Resource& r);
  void wake();
  void reconcile_loop();
  void reconcile_kind_controllers();  // without mu
  Status restore_from_store();
  // cluster_controller.cc (callers hold impl_->mu)
  void reconcile_clusters();
  void reconcile_cluster(resources::Resource c);
  Status launch_worker(resources::Resource& c, int index);
  void stop_cluster_workers(resources::Resource& c);
  void refresh_cluster_state(const std::string& cluster);
  Result<resources::Resource> ensure_cluster(const std::string& name);
  // task_dispatch.cc (callers hold impl_->mu)
  std::string cluster_for(const resources::Resource& task);
  void enqueue(const resources::Resource& task);
  Result<nlohmann::json> build_task(const resources::Resource& task, int64_t attempt);
  void complete_task(const std::string& kind, const std::string& name, const nlohmann::json& done);
  void retry_or_fail(const std::string& kind, const std::string& name, const std::string& why,
                     bool allow_retry = true);
  void refresh_session_state(const std::string& session);
  Result<resources::Resource> run_sql_command(resources::Resource stmt);
  // With options_.confine: 403 for a batch file, a view path or an INSERT OVERWRITE
  // DIRECTORY outside the allowed paths and buckets. OK otherwise.
  Status check_confinement(const std::string& kind, const nlohmann::json& spec) const;

  std::unique_ptr<store::ResourceStore> store_;
  std::unique_ptr<cluster::WorkerBackend> backend_;
  ControlPlaneOptions options_;
  Clock* clock_;
  std::unique_ptr<Impl> impl_;
  // The KindControllers of the kinds in src/kinds/ (fixed after construction).
  std::vector<std::pair<std::string, std::unique_ptr<KindController>>> kind_controllers_;
};

}  // namespace eddy::controllers
