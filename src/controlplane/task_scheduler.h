// TaskScheduler: work waiting for and running on cluster workers. Kinds whose resources run as
// tasks (Batch, Statement; TrainingJob next) register a TaskOwner; their controllers queue a
// resource with enqueue(), and the scheduler hands it to a ready worker of its cluster through
// the worker protocol's lease, relays its log lines and reports its end back to the owner. It
// also retries a task whose worker died (up to the cluster's maxTaskAttempts) and fails the
// tasks of a cluster that terminated.
//
// Tasks with the same serial key run one at a time in queue order (a session's statements).
// A sticky serial key also runs on one worker: the worker that leased its first task (a
// pyspark session's interpreter lives there); its tasks wait for that worker only, and are
// lost without retry when it dies. Queued::worker names that worker after a restart.
//
// Locking: mu_ guards the queues and the running set and is never held across a store call or
// an owner callback: the lease and heartbeat paths wait on memory only. Owner callbacks run on
// the thread of the event (a worker's lease or done request, the reconcile thread for dead
// workers) after mu_ is released; the scheduler has already decided the transition, so two
// callbacks for one attempt never race.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cluster/task_invocation.h"
#include "cluster/worker_protocol.h"
#include "common/clock.h"
#include "common/status.h"
#include "controlplane/options.h"
#include "resources/resource.h"

namespace eddy::controlplane {

class WorkerFleet;
class ResourceService;

struct TaskKey {
  std::string kind;
  std::string name;
  auto operator<=>(const TaskKey&) const = default;
};

// How an attempt ended, as the owner hears it.
struct TaskEnd {
  enum class How {
    kReported,   // the worker reported it (report is set; cancelled if it was killed on cancel)
    kLost,       // its worker died or its cluster terminated, and it is not retried
    kRefused,    // the owner could not build its invocation (why)
  };
  How how = How::kReported;
  bool cancelled = false;  // a cancel was asked while it ran
  std::string cluster;
  std::string worker;
  int64_t attempt = 0;
  std::string why;  // kLost / kRefused
  cluster::protocol::DoneReport report;
};

// The side of a task-producing kind the scheduler calls (outside its lock).
class TaskOwner {
 public:
  virtual ~TaskOwner() = default;
  // The invocation of the task (the lease path). kNotFound: the resource is gone, the task is
  // dropped; any other error fails the task (kRefused).
  virtual Result<cluster::TaskInvocation> build(const TaskKey& key) = 0;
  // Attempt `attempt` was leased to `worker` at `now`: record it (state running). An error
  // (the store failed) puts the task back at the head of its queue.
  virtual Status started(const TaskKey& key, int64_t attempt, const std::string& worker,
                         Micros now) = 0;
  // The task is waiting again: its worker died and it will be retried.
  virtual void requeued(const TaskKey& key, const std::string& why) = 0;
  // The attempt ended; the task is no longer the scheduler's. Returns the result label of
  // eddy_tasks_finished_total ("success", "ok", "killed", ...).
  virtual std::string finished(const TaskKey& key, const TaskEnd& end) = 0;
  // Log lines of the running attempt.
  virtual Status log(const TaskKey& key, const std::vector<std::string>& lines) = 0;
};

// Told about every attempt that ends, whatever its kind (the Cluster kind's accounting).
using TaskEndObserver = std::function<void(const TaskKey&, const TaskEnd&)>;

// What cancel() found.
enum class CancelOutcome {
  kNotQueued,  // neither waiting nor running (finished, or never queued)
  kDequeued,   // it was waiting: removed, it will not run
  kKilling,    // it runs: its worker is told to kill it, and finished() follows
};

class TaskScheduler {
 public:
  TaskScheduler(WorkerFleet& fleet, const ControlPlaneOptions& options, Clock* clock);
  TaskScheduler(const TaskScheduler&) = delete;
  TaskScheduler& operator=(const TaskScheduler&) = delete;

  // Wiring, before any request.
  void set_owner(const std::string& kind, TaskOwner* owner);
  void add_end_observer(TaskEndObserver observer);
  // What the scheduler tells the Cluster kind: work waits for a cluster (it may have to be
  // created or restarted), or a cluster's load changed (a task started or ended).
  enum class ClusterSignal { kDemand, kActivity };
  void set_cluster_signal(std::function<void(const std::string&, ClusterSignal)> signal);
  // How many attempts a task on `cluster` gets when its workers die (the Cluster kind: its
  // spec.maxTaskAttempts). Asked only when a worker is lost, outside mu_. Default: 2.
  void set_max_attempts(std::function<int64_t(const std::string& cluster)> max_attempts);
  // Work that is not a task waits for `cluster` (a starting session): a kDemand signal.
  void request_cluster(const std::string& cluster);

  struct Queued {
    TaskKey key;
    std::string cluster;
    std::string serial;         // "" = none
    int64_t attempt = 0;        // attempts made so far (the next is attempt + 1)
    bool sticky = false;        // the serial key's tasks run on one worker
    std::string worker;         // sticky: the worker it must run on ("" = the first that leases)
  };
  // Queues a task (at the back; at the front for a retry).
  void enqueue(Queued q);
  // Restores a task that was running before a restart (its worker re-attaches or dies).
  void adopt_running(Queued q, const std::string& worker, bool cancelling);
  CancelOutcome cancel(const TaskKey& key);
  // Forgets the worker of a sticky serial key (its session was deleted).
  void forget_serial(const std::string& serial);
  // Fails every waiting and running task of `cluster` without retry (it terminated, or it does
  // not exist).
  void fail_cluster(const std::string& cluster, const std::string& why);
  // A dead worker's task: retried when attempts remain, else lost.
  void worker_died(const std::string& worker, const std::string& why);
  // Wakes every long poll (shutdown).
  void stop();

  // Worker protocol.
  // Long-polls up to wait_ms for a task of the worker's cluster.
  Result<cluster::protocol::LeaseAnswer> lease(const std::string& worker,
                                               const cluster::protocol::LeaseRequest& req);
  // Whether the reported task is still this worker's current attempt and not being cancelled.
  cluster::protocol::HeartbeatAction task_action(const std::string& worker,
                                                 const cluster::protocol::TaskRef& task);
  Status log(const std::string& worker, const cluster::protocol::LogRequest& req);
  Status done(const std::string& worker, const cluster::protocol::DoneReport& report);

  // For the Cluster kind: its load, and which worker runs what.
  struct ClusterLoad {
    int64_t pending = 0;
    int64_t running = 0;
  };
  ClusterLoad load(const std::string& cluster) const;
  std::optional<TaskKey> task_of(const std::string& worker) const;

  std::string metrics_text() const;

 private:
  struct Running {
    std::string cluster;
    std::string worker;
    std::string serial;
    int64_t attempt = 0;
    bool sticky = false;
  };
  // The worker a queued task must run on ("" = any), mu_ held.
  std::string pin_of(const Queued& q) const;
  // Removes `key` from running_ (mu_ held), returning what it was.
  std::optional<Running> take_running(const TaskKey& key);
  void end(const TaskKey& key, const TaskEnd& end);  // owner + observers, mu_ not held
  void lost(const TaskKey& key, const Running& rt, const std::string& why, bool allow_retry,
            bool cancelled);
  void signal_cluster(const std::string& cluster, ClusterSignal what);
  TaskOwner* owner_of(const std::string& kind) const;

  WorkerFleet& fleet_;
  const ControlPlaneOptions& options_;
  Clock* const clock_;
  std::map<std::string, TaskOwner*> owners_;   // fixed after wiring
  std::vector<TaskEndObserver> observers_;     // fixed after wiring
  std::function<void(const std::string&, ClusterSignal)> cluster_signal_;  // fixed after wiring
  std::function<int64_t(const std::string&)> max_attempts_;                // fixed after wiring

  mutable std::mutex mu_;
  std::condition_variable work_cv_;  // a task was queued, a serial key freed, or stop
  bool stopping_ = false;                                   // GUARDED_BY(mu_)
  std::map<std::string, std::deque<Queued>> pending_;       // GUARDED_BY(mu_): by cluster
  std::map<TaskKey, Running> running_;                      // GUARDED_BY(mu_)
  std::map<std::string, TaskKey> by_worker_;                // GUARDED_BY(mu_): running task
  std::set<std::string> busy_serials_;                      // GUARDED_BY(mu_)
  std::map<std::string, std::string> serial_worker_;        // GUARDED_BY(mu_): sticky keys
  std::set<TaskKey> cancelling_;                            // GUARDED_BY(mu_)
  std::map<std::string, int64_t> finished_total_;           // GUARDED_BY(mu_): "kind,result"
};

}  // namespace eddy::controlplane
